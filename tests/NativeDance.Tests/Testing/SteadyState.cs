namespace NativeDance.Tests.Testing;

/// <summary>
/// Asserts that code allocates nothing once warm. The runtime itself allocates on a thread now and then (a
/// method compiled on first use, or replaced while it runs), so one measured round may read a few kilobytes
/// that the code under test never asked for; an allocation the code makes on every call shows in every round.
/// </summary>
internal static class SteadyState
{
    private const int MaxRounds = 4;

    /// <summary>Runs <paramref name="round"/> until one run allocates nothing on this thread; fails after <see cref="MaxRounds"/> that all allocate.</summary>
    public static void AssertAllocatesNothing(Action round)
    {
        var allocated = new List<long>(MaxRounds);
        do
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        while (allocated[^1] != 0 && allocated.Count < MaxRounds);
        Assert.True(allocated[^1] == 0, $"Every one of {MaxRounds} warm rounds allocated: {string.Join(", ", allocated)} bytes.");
    }
}
