namespace NativeDance.Cuda.Driver;

/// <summary>How a failed launch is named in a <see cref="CudaException"/>: the kernel, its module and the shape, so a
/// fault is pinned on the kernel that caused it.</summary>
internal static class LaunchDescription
{
    /// <summary>The call text of a launch that the driver refused.</summary>
    public static string Launch(string kernel, string module, LaunchShape shape) =>
        $"cuLaunchKernel(kernel '{kernel}' of module '{module}', grid {shape.Grid}, block {shape.Block}, {shape.DynamicSharedBytes} B dynamic shared)";

    /// <summary>The call text of the synchronisation after a launch in debug mode, which surfaces the kernel's own faults.</summary>
    public static string SynchronizedLaunch(string kernel, string module, LaunchShape shape) =>
        $"kernel '{kernel}' of module '{module}' (grid {shape.Grid}, block {shape.Block}), checked by the synchronisation after each launch " +
        $"(CudaDebug.SynchronizeAfterEachLaunch, {CudaDebug.SyncVariable}=1),";

    /// <summary>
    /// For the codes of a kernel fault, which the driver reports at whatever call comes next: how to find the kernel.
    /// Null for other codes, and when every launch is already synchronised (<paramref name="synchronizingLaunches"/>).
    /// </summary>
    public static string? KernelFaultHint(CudaResult result, bool synchronizingLaunches) =>
        !synchronizingLaunches && IsKernelFault(result)
            ? $"A kernel launched earlier faulted; run with {CudaDebug.SyncVariable}=1 to have the exception name it."
            : null;

    /// <summary>Codes a faulting kernel leaves on its context: every later call on that context returns one of them.</summary>
    public static bool IsKernelFault(CudaResult result) =>
        result is CudaResult.IllegalAddress or CudaResult.MisalignedAddress or CudaResult.IllegalInstruction or CudaResult.LaunchFailed
            or CudaResult.Assert or CudaResult.LaunchTimeout;
}
