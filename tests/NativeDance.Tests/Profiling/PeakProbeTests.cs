using NativeDance.Tensors.Diagnostics;
using NativeDance.Tests.Gemm;

namespace NativeDance.Tests.Profiling;

[Collection(nameof(KernelSettings))]
public class PeakProbeTests
{
    private static readonly PeakProbeOptions Quick = new() { BufferBytes = 4L << 20, TrialSeconds = 0.002, Trials = 2 };

    [Theory]
    [MemberData(nameof(KernelSettings.WidthNames), MemberType = typeof(KernelSettings))]
    public void EveryWidthMeasuresPositiveRatesOfTheWorkItCounted(string width)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            MachinePeak? peak = null;
            KernelSettings.Run(width, threads, () => peak = PeakProbe.Measure(Quick));
            int bits = width switch { "Vector512" => 512, "Vector256" => 256, "Vector128" => 128, _ => 32 };
            Assert.Equal(bits, peak!.VectorBits);
            Assert.Equal(threads, peak.Threads);
            // Flops: parts x chains x lanes x steps x 2, with 4 parts per thread and a power-of-two chain length.
            double perStep = 2.0 * PeakProbe.Chains * (bits / 32) * 4 * threads;
            double steps = peak.Fma.Work / perStep;
            Assert.Equal(Math.Round(steps), steps);
            Assert.True(double.IsPow2((long)steps), $"{steps} FMA steps per chain");
            Assert.Equal(Quick.BufferBytes, peak.Read.Work);
            Assert.Equal(Quick.BufferBytes, peak.Write.Work);
            foreach (var rate in new[] { peak.Fma, peak.Read, peak.Write })
                Assert.True(rate.Seconds > 0 && double.IsFinite(rate.PerSecond) && rate.PerSecond > 0, $"{rate}");
        }
    }

    [Fact]
    public void DerivedFiguresAreTheWorkOverTheTime()
    {
        var peak = PeakProbe.Measure(Quick);
        Assert.Equal(peak.Fma.Work / peak.Fma.Seconds / 1e9, peak.Gflops, 12);
        Assert.Equal(peak.Read.Work / peak.Read.Seconds / 1e9, peak.ReadGBs, 12);
        Assert.Equal(peak.Write.Work / peak.Write.Seconds / 1e9, peak.WriteGBs, 12);
        Assert.Contains($"{peak.Gflops:F1} GFLOP/s", peak.ToString());
    }

    [Theory]
    [InlineData(0L, 0.01, 1)]
    [InlineData(1000L, 0.01, 1)]
    [InlineData(4L << 20, 0.0, 1)]
    [InlineData(4L << 20, 0.01, 0)]
    public void BadOptionsAreRejectedWithTheirValues(long bytes, double seconds, int trials)
    {
        var e = Assert.Throws<ArgumentException>(() => PeakProbe.Measure(new PeakProbeOptions { BufferBytes = bytes, TrialSeconds = seconds, Trials = trials }));
        Assert.Contains(bytes < PeakProbe.BlockBytes || bytes % PeakProbe.BlockBytes != 0 ? $"{bytes}" : $"{trials}", e.Message);
    }
}
