namespace FaceAttr.Tool.Eval;

/// <summary>An evaluation image that could not be analysed (unreadable, corrupt, not an image).</summary>
/// <param name="ImagePath">The image.</param>
/// <param name="Reason">Why, as the decoder or file system said it.</param>
public sealed record EvalFailure(string ImagePath, string Reason)
{
    /// <summary>One line: <c>file: reason</c>.</summary>
    public override string ToString() => $"{ImagePath}: {Reason}";
}
