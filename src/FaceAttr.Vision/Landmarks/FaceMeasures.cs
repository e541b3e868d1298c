using FaceAttr.Core.Faces;

namespace FaceAttr.Vision.Landmarks;

/// <summary>What <see cref="FaceGeometry.Measure"/> reads off a fitted mesh.</summary>
/// <param name="RightEyeAspectRatio">Openness of the subject's right eye (<see cref="FaceGeometry.EyeAspectRatio"/>).</param>
/// <param name="LeftEyeAspectRatio">Openness of the subject's left eye.</param>
/// <param name="MouthAspectRatio">Openness of the mouth (<see cref="FaceGeometry.MouthAspectRatio"/>).</param>
/// <param name="Pose">Head yaw, pitch and roll in degrees (<see cref="FaceGeometry.Pose"/>).</param>
/// <param name="InterOcularDistance">Distance between the eye centres in image pixels.</param>
/// <param name="FaceWidth">Distance between the cheek edges in image pixels.</param>
public readonly record struct FaceMeasures(
    float RightEyeAspectRatio,
    float LeftEyeAspectRatio,
    float MouthAspectRatio,
    HeadPose Pose,
    float InterOcularDistance,
    float FaceWidth);
