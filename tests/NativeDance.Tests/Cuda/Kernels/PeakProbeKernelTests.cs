using NativeDance.Cuda.Kernels;
using NativeDance.Tests.Ops;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>peak_probe.ptx through the interpreter on tiny grids: every thread's value bit for bit against the same arithmetic on the CPU.</summary>
public class PeakProbeKernelTests
{
    [Theory]
    [InlineData(1, 0u)]
    [InlineData(2, 3u)]
    public void FmaPeakComputesSixteenFmaChainsPerThread(int blocks, uint iterations)
    {
        const float multiplier = 0.75f, addend = 0.5f;
        int threads = blocks * (int)PeakProbeKernels.BlockThreads;
        var device = new InterpretedDevice();
        ulong output = device.GuardedOutput(threads);
        device.Launch(PeakProbeKernels.FmaPeak(output, blocks, iterations, multiplier, addend));
        var expected = new float[threads];
        for (int g = 0; g < threads; g++)
        {
            float sum = 0;
            for (int k = 0; k < 16; k++)
            {
                float a = (float)g + k;
                for (int i = 0; i < iterations * PeakProbeKernels.FmasPerIteration / 16; i++) a = MathF.FusedMultiplyAdd(a, multiplier, addend);
                sum = k == 0 ? a : sum + a;
            }
            expected[g] = sum;
        }
        InterpretedDevice.AssertBitwise(expected, device.ReadGuarded(output, threads, "fma_peak"), $"fma_peak {blocks} blocks, {iterations} iterations");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    public void StreamReadSumsEachThreadsStridedElements(int blocks, int trips)
    {
        int threads = blocks * (int)PeakProbeKernels.BlockThreads;
        int count4 = trips * PeakProbeKernels.LoadsPerIteration * threads;
        var source = OpsTestData.Normal(count4 * 4, (ulong)count4);
        var device = new InterpretedDevice();
        ulong src = device.Upload<float>(source), output = device.GuardedOutput(threads);
        device.Launch(PeakProbeKernels.StreamRead(src, output, count4, blocks));
        var expected = new float[threads];
        for (int g = 0; g < threads; g++)
        {
            var acc = new float[4];
            for (int i = g; i < count4; i += 4 * threads)
                for (int j = 0; j < 4; j++)
                    for (int c = 0; c < 4; c++) acc[j] += source[(i + j * threads) * 4 + c];
            expected[g] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
        InterpretedDevice.AssertBitwise(expected, device.ReadGuarded(output, threads, "stream_read"), $"stream_read {blocks} blocks, {trips} trips");
    }

    [Fact]
    public void HostSideRejectsBadArguments()
    {
        Assert.Contains("blocks", Assert.Throws<ArgumentException>(() => PeakProbeKernels.FmaPeak(64, 0, 1, 1f, 0f)).Message);
        Assert.Contains("output", Assert.Throws<ArgumentException>(() => PeakProbeKernels.FmaPeak(0, 1, 1, 1f, 0f)).Message);
        var e = Assert.Throws<ArgumentException>(() => PeakProbeKernels.StreamRead(64, 128, 1000, 1));
        Assert.Contains("count4 = 1000", e.Message);
        Assert.Contains("source", Assert.Throws<ArgumentException>(() => PeakProbeKernels.StreamRead(0, 128, 1024, 1)).Message);
    }
}
