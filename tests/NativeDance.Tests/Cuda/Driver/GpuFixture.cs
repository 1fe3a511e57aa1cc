using NativeDance.Cuda;

namespace NativeDance.Tests.Cuda.Driver;

/// <summary>Device 0, opened once for every GPU test (opening retains the primary context, which costs tens of
/// milliseconds when no one else holds it), or the reason there is none.</summary>
public sealed class GpuFixture : IDisposable
{
    private readonly CudaDevice? device;
    private readonly string reason;

    public GpuFixture() => CudaDevice.TryOpen(0, out device, out reason);

    /// <summary>The device; skips the calling test where there is none.</summary>
    public CudaDevice Device
    {
        get
        {
            Assert.SkipUnless(device is not null, $"no NVIDIA GPU/driver on this machine ({reason})");
            return device!;
        }
    }

    /// <summary>The device, for tests that launch our sm_80 PTX; skips on older GPUs.</summary>
    public CudaDevice Sm80Device
    {
        get
        {
            var gpu = Device;
            Assert.SkipUnless(gpu.ComputeCapability.Major >= 8, $"{gpu.Name} is compute {gpu.ComputeCapability}; the test PTX targets sm_80");
            return gpu;
        }
    }

    public void Dispose() => device?.Dispose();
}

/// <summary>GPU tests share one device and run one at a time (the debug-sync switch is process-wide).</summary>
[CollectionDefinition(nameof(GpuCollection))]
public sealed class GpuCollection : ICollectionFixture<GpuFixture>;
