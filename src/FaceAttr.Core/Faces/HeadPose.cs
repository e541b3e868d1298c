namespace FaceAttr.Core.Faces;

/// <summary>
/// Head orientation in degrees. Yaw: positive when the subject turns to their left (face points to the
/// image's right); pitch: positive looking up; roll: positive when the head tilts clockwise in the image.
/// </summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll);
