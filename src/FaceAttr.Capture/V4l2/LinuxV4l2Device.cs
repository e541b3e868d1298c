using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FaceAttr.Capture;

/// <summary>A V4L2 device opened with libc: the file descriptor lives in a <see cref="V4l2FileHandle"/>.</summary>
internal sealed unsafe class LinuxV4l2Device : IV4l2Device
{
    private const int O_RDWR = 0x2;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const int PROT_READ = 0x1;
    private const int PROT_WRITE = 0x2;
    private const int MAP_SHARED = 0x1;
    private const short POLLIN = 0x1;
    private const short POLLERR = 0x8;
    private const short POLLHUP = 0x10;
    private const short POLLNVAL = 0x20;

    private readonly V4l2FileHandle _handle;

    private LinuxV4l2Device(V4l2FileHandle handle) => _handle = handle;

    public int Ioctl(uint request, void* argument)
    {
        while (true)
        {
            if (Libc.Ioctl(_handle, request, argument) != -1)
            {
                return 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR)
            {
                return errno;
            }
        }
    }

    public int Poll(int timeoutMilliseconds, out PollResult result)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var fd = new Libc.PollFd { Fd = (int)_handle.DangerousGetHandle(), Events = POLLIN };
            var ready = Libc.Poll(&fd, 1, timeoutMilliseconds);
            if (ready < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                result = PollResult.Timeout;
                return errno == Errno.EINTR ? 0 : errno;
            }

            result = ready == 0 ? PollResult.Timeout
                : (fd.Revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 ? PollResult.Error
                : (fd.Revents & POLLIN) != 0 ? PollResult.Ready
                : PollResult.Timeout;
            return 0;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public int Map(uint offset, uint length, out nint address)
    {
        address = Libc.Mmap(0, length, PROT_READ | PROT_WRITE, MAP_SHARED, _handle, (nint)offset);
        if (address == -1)
        {
            address = 0;
            return Marshal.GetLastPInvokeError();
        }

        return 0;
    }

    public int Unmap(nint address, uint length) =>
        Libc.Munmap(address, length) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public void Dispose() => _handle.Dispose();

    /// <summary>Opens <paramref name="path"/> read-write, non-blocking, close-on-exec.</summary>
    public static int TryOpen(string path, out IV4l2Device? device)
    {
        var fd = Libc.Open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
        {
            device = null;
            return Marshal.GetLastPInvokeError();
        }

        device = new LinuxV4l2Device(new V4l2FileHandle(fd));
        return 0;
    }
}

/// <summary>Opens real devices.</summary>
internal sealed class LinuxV4l2DeviceProvider : IV4l2DeviceProvider
{
    public static LinuxV4l2DeviceProvider Instance { get; } = new();

    public int TryOpen(string path, out IV4l2Device? device) => LinuxV4l2Device.TryOpen(path, out device);
}

/// <summary>Owns a file descriptor; closing it is the release.</summary>
internal sealed class V4l2FileHandle : SafeHandleMinusOneIsInvalid
{
    public V4l2FileHandle()
        : base(ownsHandle: true)
    {
    }

    public V4l2FileHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}

/// <summary>The libc calls V4L2 needs. <c>ioctl</c> is variadic in C; on Linux (x64 and arm64) passing the pointer as a fixed argument is ABI-compatible.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(SafeHandle fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, SafeHandle fd, nint offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);
}
