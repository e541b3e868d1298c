namespace FaceAttr.Core.Faces;

/// <summary>How judgeable a face is: size in pixels (face box side), sharpness (variance of the Laplacian
/// of the grey face crop, higher is sharper) and mean brightness (0–255).</summary>
public readonly record struct FaceQuality(float FaceSize, float Sharpness, float Brightness);
