using System.Text;

namespace FaceAttr.Capture;

/// <summary>The raw pixel layout a child process writes to its stdout.</summary>
public enum PipePixelFormat
{
    /// <summary>Packed RGB, 3 bytes a pixel: read straight into the frame.</summary>
    Rgb24,

    /// <summary>Planar YUV 4:2:0 (I420), 1.5 bytes a pixel, BT.601 limited range: converted to RGB (what <c>rpicam-vid --codec yuv420</c> writes).</summary>
    I420,
}

/// <summary>A child process that writes raw frames of a fixed size to stdout, back to back, with no header.</summary>
/// <param name="FileName">The program (a path, or a name looked up on PATH).</param>
/// <param name="Arguments">Its arguments, one per element (no shell, so no quoting).</param>
/// <param name="Width">Frame width in pixels (even for <see cref="PipePixelFormat.I420"/>).</param>
/// <param name="Height">Frame height in pixels (even for <see cref="PipePixelFormat.I420"/>).</param>
/// <param name="PixelFormat">What the bytes are.</param>
public sealed record PipeCommand(string FileName, IReadOnlyList<string> Arguments, int Width, int Height, PipePixelFormat PixelFormat = PipePixelFormat.Rgb24)
{
    /// <summary>Bytes the child writes per frame.</summary>
    public int FrameBytes => PixelFormat == PipePixelFormat.I420 ? YuvToRgb.I420Bytes(Width, Height) : Width * Height * 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FileName))
        {
            throw new ArgumentException("the pipe command needs a program", nameof(FileName));
        }

        ArgumentNullException.ThrowIfNull(Arguments);
        if (Width is < 2 or > 16384 || Height is < 2 or > 16384)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), $"{Width}x{Height}: each side must be 2–16384");
        }

        if (PixelFormat == PipePixelFormat.I420 && (Width % 2 != 0 || Height % 2 != 0))
        {
            throw new ArgumentException($"{Width}x{Height}: I420 needs an even width and height", nameof(Width));
        }
    }

    /// <summary>The command line, for logs (arguments with spaces are quoted).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(FileName);
        foreach (var argument in Arguments)
        {
            text.Append(' ');
            text.Append(argument.Contains(' ', StringComparison.Ordinal) || argument.Length == 0 ? $"'{argument}'" : argument);
        }

        return text.ToString();
    }
}
