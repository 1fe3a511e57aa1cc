namespace NativeDance.Cuda;

/// <summary>
/// The GPU path was asked for where it cannot run: no NVIDIA driver, no device, a driver too old for the PTX this
/// library ships, or no NVML. The message is one actionable line; the CPU backend is unaffected.
/// </summary>
/// <example><code>
/// try { using var gpu = CudaDevice.Open(); RunOnGpu(gpu); }
/// catch (CudaUnavailableException e) { Console.Error.WriteLine(e.Message); RunOnCpu(); }
/// </code></example>
public sealed class CudaUnavailableException : Exception
{
    /// <summary>Creates the exception with its one-line <paramref name="message"/>.</summary>
    public CudaUnavailableException(string message) : base(message)
    {
    }
}
