namespace FaceAttr.Capture;

/// <summary>What a wait for a frame found.</summary>
internal enum PollResult
{
    /// <summary>Nothing within the timeout.</summary>
    Timeout,

    /// <summary>A filled buffer can be dequeued.</summary>
    Ready,

    /// <summary>The device reported an error or hang-up (unplugged, or not streaming).</summary>
    Error,
}

/// <summary>
/// The seam between the V4L2 state machine (<see cref="V4l2Session"/>) and the kernel: an open video device
/// answering raw ioctls on the real V4L2 structs, poll, and mmap. <see cref="LinuxV4l2Device"/> calls libc;
/// the tests' simulated device answers the same requests from a register and buffer model.
/// </summary>
/// <remarks>Every method returns 0 or a Linux errno; none throws for a device error. The owner disposes the device (closing it).</remarks>
internal unsafe interface IV4l2Device : IDisposable
{
    /// <summary>Issues <paramref name="request"/> on the struct at <paramref name="argument"/>; returns 0 or the errno (EINTR is retried inside).</summary>
    int Ioctl(uint request, void* argument);

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a frame; returns 0 or the errno.</summary>
    int Poll(int timeoutMilliseconds, out PollResult result);

    /// <summary>Maps the buffer at <paramref name="offset"/> (from VIDIOC_QUERYBUF) into memory; returns 0 or the errno.</summary>
    int Map(uint offset, uint length, out nint address);

    /// <summary>Unmaps a buffer mapped by <see cref="Map"/>; returns 0 or the errno.</summary>
    int Unmap(nint address, uint length);
}

/// <summary>Opens video devices.</summary>
internal interface IV4l2DeviceProvider
{
    /// <summary>Opens <paramref name="path"/> non-blocking; returns 0 and the device, or the errno and null.</summary>
    int TryOpen(string path, out IV4l2Device? device);
}
