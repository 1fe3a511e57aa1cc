namespace NativeDance.Bench.Reporting;

/// <summary>Managed bytes some calls allocate, on the calling thread and in the whole process (the runtime's own threads included).</summary>
internal static class AllocationCount
{
    /// <summary>Runs <paramref name="call"/> <paramref name="calls"/> times and returns the bytes allocated meanwhile.</summary>
    public static (long Thread, long Process) Of(Action call, int calls)
    {
        long thread = GC.GetAllocatedBytesForCurrentThread(), process = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < calls; i++) call();
        return (GC.GetAllocatedBytesForCurrentThread() - thread, GC.GetTotalAllocatedBytes(precise: true) - process);
    }
}
