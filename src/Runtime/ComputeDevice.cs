namespace NativeDance.Runtime;

/// <summary>Where a <see cref="VideoClassifier"/> runs its clips.</summary>
public enum ComputeDevice
{
    /// <summary>The GPU where this build has a GPU inference plan and a usable NVIDIA driver and device, else the CPU.</summary>
    Auto,
    /// <summary>The CPU: SIMD kernels on <see cref="Tensors.Threading.ParallelFor.Threads"/> threads.</summary>
    Cpu,
    /// <summary>The first NVIDIA GPU; loading fails with <see cref="Cuda.CudaUnavailableException"/> where none can be used.</summary>
    Gpu,
}
