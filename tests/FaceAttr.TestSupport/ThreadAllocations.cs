namespace FaceAttr.TestSupport;

/// <summary>
/// Managed bytes a piece of work allocates on the calling thread, for the tests that claim a hot path allocates nothing.
/// </summary>
public static class ThreadAllocations
{
    /// <summary>
    /// Runs <paramref name="pass"/> up to <paramref name="passes"/> times, stopping at the first pass that allocates
    /// nothing, and returns the bytes of every pass run. Why more than one: the runtime's tiered compilation can still land
    /// on this thread once, after any warm-up, and allocate in that one pass (a clean CI run saw 8,160 bytes once); work
    /// that allocates per call allocates in every pass, so a caller asserting the last figure is zero still fails on it.
    /// </summary>
    public static IReadOnlyList<long> UntilZero(Action pass, int passes = 3)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var measured = new List<long>(passes);
        do
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            pass();
            measured.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        while (measured[^1] != 0 && measured.Count < passes);
        return measured;
    }
}
