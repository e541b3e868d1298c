using System.Numerics;

namespace FaceAttr.Vision.Landmarks;

/// <summary>One iris in image pixels.</summary>
/// <param name="Center">Centre of the iris (continuous image coordinates).</param>
/// <param name="Radius">Radius: mean distance from the centre to the four boundary points the model gives.</param>
public readonly record struct IrisFit(Vector2 Center, float Radius);

/// <summary>Both irises of a face; "right" and "left" are the subject's.</summary>
/// <param name="Right">The subject's right iris (image left in a frontal face).</param>
/// <param name="Left">The subject's left iris.</param>
public readonly record struct EyeIrises(IrisFit Right, IrisFit Left)
{
    /// <summary>The iris of <paramref name="side"/>.</summary>
    public IrisFit this[FaceSide side] => side == FaceSide.Right ? Right : Left;
}
