using System.Runtime.InteropServices;

namespace FaceAttr.Capture;

/// <summary>Linux errno values the capture code acts on, and their names for messages.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;
    public const int ENOSPC = 28;
    public const int EPIPE = 32;
    public const int ETIMEDOUT = 110;

    /// <summary>The symbolic name, e.g. <c>EBUSY</c>, or <c>errno N</c>.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        EINTR => nameof(EINTR),
        EIO => nameof(EIO),
        ENXIO => nameof(ENXIO),
        EBADF => nameof(EBADF),
        EAGAIN => nameof(EAGAIN),
        ENOMEM => nameof(ENOMEM),
        EACCES => nameof(EACCES),
        EFAULT => nameof(EFAULT),
        EBUSY => nameof(EBUSY),
        ENODEV => nameof(ENODEV),
        EINVAL => nameof(EINVAL),
        ENOTTY => nameof(ENOTTY),
        ENOSPC => nameof(ENOSPC),
        EPIPE => nameof(EPIPE),
        ETIMEDOUT => nameof(ETIMEDOUT),
        _ => $"errno {errno}",
    };

    /// <summary>The C library's description (<c>strerror</c>).</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
