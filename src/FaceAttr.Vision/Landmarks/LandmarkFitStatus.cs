namespace FaceAttr.Vision.Landmarks;

/// <summary>The outcome of the last fit into a <see cref="FaceLandmarks"/>.</summary>
public enum LandmarkFitStatus
{
    /// <summary>Nothing has been fitted yet (or the result was reset).</summary>
    None = 0,

    /// <summary>The mesh was fitted; the points are valid.</summary>
    Fitted,

    /// <summary>The model's face-presence score was below <see cref="LandmarkOptions.MinPresence"/>: no face in the crop.</summary>
    NoFace,

    /// <summary>
    /// The detection could not be framed (box not positive and finite, keypoints not finite) or the model
    /// returned non-finite numbers; the model may not have run.
    /// </summary>
    InvalidInput,
}
