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
        $"kernel '{kernel}' of module '{module}' (grid {shape.Grid}, block {shape.Block}), synchronised after its launch by {CudaDebug.SyncVariable}=1,";
}
