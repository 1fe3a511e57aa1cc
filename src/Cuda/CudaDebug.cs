namespace NativeDance.Cuda;

/// <summary>
/// Debug switches of the GPU path. Kernel faults are asynchronous: without synchronisation they surface at some later
/// driver call, far from the kernel that caused them.
/// </summary>
/// <example><code>
/// CudaDebug.SynchronizeAfterEachLaunch = true; // or run with NATIVEDANCE_CUDA_SYNC=1
/// </code></example>
public static class CudaDebug
{
    /// <summary>The environment variable that turns <see cref="SynchronizeAfterEachLaunch"/> on at start-up when set to 1.</summary>
    public const string SyncVariable = "NATIVEDANCE_CUDA_SYNC";

    /// <summary>
    /// When true, every <see cref="CudaStream.Launch{TArgs}"/> waits for its kernel and throws a <see cref="CudaException"/>
    /// naming that kernel if it faulted. Slow: for debugging only. Starts as <c>NATIVEDANCE_CUDA_SYNC=1</c> says.
    /// </summary>
    public static bool SynchronizeAfterEachLaunch { get; set; } = Environment.GetEnvironmentVariable(SyncVariable) == "1";
}
