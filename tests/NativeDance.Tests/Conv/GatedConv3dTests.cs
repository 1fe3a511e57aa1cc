using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

[Collection(nameof(KernelSettings))]
public class GatedConv3dTests
{
    private const double Tolerance = 1e-10;

    /// <summary>With the crossover fixed at 0 (always dense) and above 1 (always sparse), both paths give the dense conv
    /// of the masked input, and the counters are the kernel's own (sparse) or the compacted problem's (dense).</summary>
    [Theory]
    [InlineData(0.0, GatedConvPath.DenseCompacted)]
    [InlineData(2.0, GatedConvPath.SparseInput)]
    public void EitherPathEqualsDenseConvOfMaskedInput(double crossover, GatedConvPath expectedPath)
    {
        var random = new Random(11);
        for (int trial = 0; trial < 6; trial++)
        {
            var g = SparseOperands.RandomGeometry(random);
            var (x, w, b) = SparseOperands.Create(g, random.NextDouble(), hasBias: true, random);
            var mask = SparseOperands.RandomMask(g, random);
            GatedConv3dCrossover.Set(g, crossover);
            var y = new GuardedBuffer(g.OutputLength);
            var path = GatedConv3d.Forward(g, x, w, b, y.Span, mask, out var work);
            string context = $"{g} {SparseOperands.Describe(mask)}";
            Assert.Equal(expectedPath, path);
            Numerics.AssertClose(y.Span, SparseOperands.Reference(g, x, w, b, mask), Tolerance, context);
            y.AssertGuardIntact(context);
            Assert.Equal(path == GatedConvPath.SparseInput ? GatedConvCost.SparseInput(g, mask, x) : GatedConvCost.DenseCompacted(g, mask), work);
        }
    }

    [Fact]
    public void ChoosesByDensityAgainstTheCrossover()
    {
        var g = Conv3dGeometry.Create(1, 8, new Dims3(3, 6, 7), 16, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.5, hasBias: false, new Random(3));
        var y = new float[g.OutputLength];
        GatedConv3dCrossover.Set(g, 0.3);
        Assert.Equal(GatedConvPath.SparseInput, GatedConv3d.Forward(g, x, w, b, y, null, out _, nonZeroFraction: 0.29));
        Assert.Equal(GatedConvPath.DenseCompacted, GatedConv3d.Forward(g, x, w, b, y, null, out _, nonZeroFraction: 0.3));
        Assert.Equal(GatedConvPath.DenseCompacted, GatedConv3d.Forward(g, x, w, b, y, null, out _));
        GatedConv3dCrossover.Set(g, 0.6);
        Assert.Equal(GatedConvPath.SparseInput, GatedConv3d.Forward(g, x, w, b, y, null, out _));
    }

    [Fact]
    public void NonZeroFractionCountsKeptValuesOnly()
    {
        var random = new Random(4);
        for (int trial = 0; trial < 12; trial++)
        {
            // Wide inputs too, so whole vectors of channels are counted under the kept-channel lanes and a tail after them.
            var g = trial < 8 ? SparseOperands.RandomGeometry(random)
                : Conv3dGeometry.Create(2, 37 + trial, new Dims3(3, 4, 5), 8, Dims3.Cube(3), padding: Dims3.Cube(1));
            var (x, _, _) = SparseOperands.Create(g, random.NextDouble(), hasBias: false, random);
            var mask = trial % 2 == 0 ? null : SparseOperands.RandomMask(g, random);
            var frames = Conv3dReference.KeptFlags(g.Input.T, mask?.KeptFrames);
            var channels = Conv3dReference.KeptFlags(g.InChannels, mask?.KeptChannels);
            int frame = g.Input.H * g.Input.W * g.InChannels;
            long kept = 0, nonZeros = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (!frames[i / frame % g.Input.T] || !channels[i % g.InChannels]) continue;
                kept++;
                if (x[i] != 0) nonZeros++;
            }
            Assert.Equal(kept == 0 ? 0 : (double)nonZeros / kept, GatedConv3d.NonZeroFraction(g, x, mask), 12);
        }
    }

    /// <summary>The calibration runs and yields a density in [0, 1] that is cached; no claim about its value (timing).</summary>
    [Fact]
    public void MeasuredCrossoverIsADensityAndIsCached()
    {
        var g = Conv3dGeometry.Create(1, 8, new Dims3(5, 6, 6), 16, Dims3.Cube(3), padding: Dims3.Cube(1));
        double measured = GatedConv3dCrossover.Measure(g);
        Assert.InRange(measured, 0, 1);
        var other = Conv3dGeometry.Create(1, 9, new Dims3(5, 6, 6), 16, Dims3.Cube(3), padding: Dims3.Cube(1));
        double first = GatedConv3dCrossover.Get(other);
        Assert.InRange(first, 0, 1);
        Assert.Equal(first, GatedConv3dCrossover.Get(other));
    }

    [Fact]
    public void ForwardAllocatesNothingOnceCalibrated()
    {
        var g = Conv3dGeometry.Create(1, 16, new Dims3(4, 8, 9), 40, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.3, hasBias: true, new Random(1));
        var y = new float[g.OutputLength];
        var mask = Conv3dInputMask.Create(g, [0, 2, 3], [1, 4, 5, 9, 15]);
        KernelSettings.Run(SimdDispatch.Best, 2, () =>
        {
            foreach (double crossover in new[] { 0.0, 2.0 })
            {
                GatedConv3dCrossover.Set(g, crossover);
                GatedConv3d.Forward(g, x, w, b, y, mask, out _);
                GatedConv3d.Forward(g, x, w, b, y, null, out _, nonZeroFraction: 0.3);
                long before = GC.GetAllocatedBytesForCurrentThread();
                GatedConv3d.Forward(g, x, w, b, y, mask, out _);
                GatedConv3d.Forward(g, x, w, b, y, null, out _, nonZeroFraction: 0.3);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated == 0, $"GatedConv3d.Forward (crossover {crossover}) allocated {allocated} bytes");
            }
        });
    }

    [Fact]
    public void BadInputNamesTheValues()
    {
        var g = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var x = new float[g.InputLength];
        var w = new float[g.WeightLength];
        var y = new float[g.OutputLength];
        var e = Assert.Throws<ArgumentException>(() => GatedConv3d.Forward(g, x, w, [], y, null, out _, nonZeroFraction: 1.5));
        Assert.Contains("1.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => GatedConv3d.Forward(g, x.AsSpan(3), w, [], y, null, out _));
        Assert.Contains($"input has {g.InputLength - 3} elements", e.Message);
        var grouped = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2);
        e = Assert.Throws<ArgumentException>(() => GatedConv3d.Forward(grouped, x, new float[grouped.WeightLength], [], y, null, out _));
        Assert.Contains("groups 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => GatedConv3dCrossover.Set(g, -0.1));
        Assert.Contains("-0.1", e.Message);
    }
}
