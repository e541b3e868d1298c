namespace FaceAttr.Capture;

/// <summary>A V4L2 call failed. The message names the device, the call (e.g. <c>VIDIOC_S_FMT</c>, <c>mmap</c>, <c>open</c>) and the errno.</summary>
public sealed class V4l2Exception : CaptureException
{
    /// <summary>Creates the exception.</summary>
    public V4l2Exception()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public V4l2Exception(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public V4l2Exception(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="device">The device path.</param>
    /// <param name="operation">The call: an ioctl name such as <c>VIDIOC_DQBUF</c>, or <c>open</c>, <c>mmap</c>, <c>poll</c>.</param>
    /// <param name="errno">The Linux error number.</param>
    /// <param name="detail">What was being attempted, appended to the message; optional.</param>
    public V4l2Exception(string device, string operation, int errno, string? detail = null)
        : base($"{device}: {operation} failed: {Errno.Name(errno)} ({errno}, {Errno.Describe(errno)}){(detail is null ? string.Empty : $" {detail}")}")
    {
        Device = device;
        Operation = operation;
        ErrorNumber = errno;
    }

    /// <summary>The device path.</summary>
    public string Device { get; } = string.Empty;

    /// <summary>The failed call, e.g. <c>VIDIOC_S_FMT</c>.</summary>
    public string Operation { get; } = string.Empty;

    /// <summary>The Linux errno.</summary>
    public int ErrorNumber { get; }

    /// <summary>The errno's symbolic name, e.g. <c>EBUSY</c>.</summary>
    public string ErrorName => Errno.Name(ErrorNumber);
}
