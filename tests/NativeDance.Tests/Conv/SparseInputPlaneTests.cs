using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

/// <summary>
/// The plane form of the sparse-input conv (3 x 3 spatial window, stride and dilation 1 along H and W, AVX-512 or AVX2) and
/// weights prepared once (<see cref="GatedConv3dWeights"/>), which every gated inference plan uses.
/// </summary>
[Collection(nameof(KernelSettings))]
public class SparseInputPlaneTests
{
    private const double Tolerance = 1e-10;

    /// <summary>
    /// Random plane-form geometries (odd sizes, any temporal kernel, stride, padding and dilation, spatial padding 0-2,
    /// Cin across whole vectors and tails, Cout across one and two vectors per pass and padded lanes), densities 0, tiny,
    /// random and 1, random masks, 1 and 2 threads, weights per call, prepared at the running width and prepared at
    /// another width (whose passes differ, so the call packs its own copy): equal to the dense conv of the masked input,
    /// sentinels intact, counters equal to the analytic ones. Below AVX2 the row form runs instead.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EqualsDenseConvOfMaskedInputAndCountsItsWork(int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 8; trial++)
        {
            var g = PlaneGeometry(random);
            double density = trial switch { 0 => 0, 1 => 1, 2 => 0.01, _ => random.NextDouble() };
            var (x, w, b) = SparseOperands.Create(g, density, random.Next(2) == 0, random);
            var mask = trial == 3 ? null : SparseOperands.RandomMask(g, random);
            var expected = SparseOperands.Reference(g, x, w, b, mask);
            var widths = KernelSettings.Widths().Take(2).ToArray();
            var weights = widths.Select(width => ($"prepared at {width}", (GatedConv3dWeights?)PreparedAt(width, g, w, b))).Prepend(("per call", null));
            foreach (var width in widths)
            foreach (int threads in new[] { 1, 2 })
            foreach (var (how, prepared) in weights)
            {
                Assert.Equal(width is SimdWidth.Vector512 or SimdWidth.Vector256, SparseInputPlanes.Applies(g, width));
                var y = new GuardedBuffer(g.OutputLength);
                ConvWorkCounters work = default;
                KernelSettings.Run(width, threads, () =>
                {
                    if (prepared is not null) SparseInputConv3d.Forward(g, x, prepared, y.Span, mask, out work);
                    else SparseInputConv3d.Forward(g, x, w, b, y.Span, mask, out work);
                });
                string context = $"{g} density {density:F2} {SparseOperands.Describe(mask)} {width} threads={threads} weights {how}";
                Numerics.AssertClose(y.Span, expected, Tolerance, context);
                y.AssertGuardIntact(context);
                Assert.Equal(GatedConvCost.SparseInput(g, mask, x, width), work);
            }
        }
    }

    /// <summary>
    /// The tiny C3D's gated convs at DANCE-like keep ratios: frames and channels partly dropped, about a third of the
    /// features kept; and 100 input channels, whose entries fall into several channel blocks swept one by one.
    /// </summary>
    [Theory]
    [InlineData(16, 32, 16)]
    [InlineData(32, 64, 8)]
    [InlineData(64, 64, 4)]
    [InlineData(100, 48, 5)]
    public void TinyC3dLayersAtDanceKeepRatios(int inChannels, int outChannels, int size)
    {
        var g = Conv3dGeometry.Create(1, inChannels, Dims3.Cube(size), outChannels, Dims3.Cube(3), padding: Dims3.Cube(1));
        var random = new Random(inChannels);
        var (x, w, b) = SparseOperands.Create(g, 0.3, hasBias: true, random);
        var mask = Conv3dInputMask.Create(g, Enumerable.Range(0, size).Where(t => t != 1).ToArray(),
            Enumerable.Range(0, inChannels).Where(_ => random.NextDouble() < 0.8).ToArray());
        var prepared = new GatedConv3dWeights(g, w, b);
        var y = new GuardedBuffer(g.OutputLength);
        SparseInputConv3d.Forward(g, x, prepared, y.Span, mask, out var work);
        Numerics.AssertClose(y.Span, SparseOperands.Reference(g, x, w, b, mask), Tolerance, $"{g}");
        y.AssertGuardIntact($"{g}");
        Assert.Equal(GatedConvCost.SparseInput(g, mask, x), work);
    }

    /// <summary>Prepared weights give the gated conv the same result and counters on both paths as per-call weights.</summary>
    [Theory]
    [InlineData(0.0, GatedConvPath.DenseCompacted)]
    [InlineData(2.0, GatedConvPath.SparseInput)]
    public void GatedConvWithPreparedWeightsMatchesPerCallWeights(double crossover, GatedConvPath expectedPath)
    {
        var random = new Random(21);
        for (int trial = 0; trial < 4; trial++)
        {
            var g = trial % 2 == 0 ? PlaneGeometry(random) : SparseOperands.RandomGeometry(random);
            var (x, w, b) = SparseOperands.Create(g, random.NextDouble(), hasBias: trial < 2, random);
            var mask = SparseOperands.RandomMask(g, random);
            GatedConv3dCrossover.Set(g, crossover);
            var perCall = new float[g.OutputLength];
            var y = new GuardedBuffer(g.OutputLength);
            GatedConv3d.Forward(g, x, w, b, perCall, mask, out var perCallWork);
            var path = GatedConv3d.Forward(g, x, new GatedConv3dWeights(g, w, b), y.Span, mask, out var work);
            string context = $"{g} {SparseOperands.Describe(mask)}";
            Assert.Equal(expectedPath, path);
            Numerics.AssertClose(y.Span, SparseOperands.Reference(g, x, w, b, mask), Tolerance, context);
            y.AssertGuardIntact(context);
            Assert.Equal(perCall, y.Span.ToArray());
            Assert.Equal(perCallWork, work);
        }
    }

    /// <summary>
    /// The gated conv followed by a max pool, on both paths, at the two widest widths, 1 and 2 threads: fused into the
    /// sparse kernel's copy-out where it can be (plane form, Cout a whole number of passes: a multiple of 16 with AVX-512,
    /// of 8 with AVX2, so 24 fuses in three passes with AVX2 only; windows tiling the output), else the engine's pool
    /// after the conv (Cout 17, an overlapping pool, an output the windows do not divide). Always the reference pool of the dense
    /// conv of the masked input, sentinels intact; fused, the work is the sparse kernel's with the pooled output as the
    /// bytes written, unfused the unpooled forward's.
    /// </summary>
    [Theory]
    [InlineData(0.0, GatedConvPath.DenseCompacted)]
    [InlineData(2.0, GatedConvPath.SparseInput)]
    public void PooledForwardIsThePoolOfTheDenseConvOfTheMaskedInput(double crossover, GatedConvPath expectedPath)
    {
        var random = new Random(31);
        for (int trial = 0; trial < 10; trial++)
        {
            bool tiling = trial % 5 != 4;
            int kt = random.Next(2) == 0 ? 1 : 3, cout = trial % 5 == 3 ? 17 : new[] { 16, 24, 32, 48 }[random.Next(4)];
            // Even sizes (odd ones in the fifth case) and padding 1 along H and W: the output has the input's size.
            int Size(int most) => 2 * random.Next(1, most) + (trial % 5 == 2 ? 1 : 0);
            var g = Conv3dGeometry.Create(random.Next(1, 3), new[] { 3, 16, 19 }[random.Next(3)], new Dims3(Size(3), Size(4), Size(4)), cout,
                new Dims3(kt, 3, 3), padding: new Dims3(kt / 2, 1, 1));
            var poolKernel = tiling ? new Dims3(random.Next(1, 3), 2, 2) : Dims3.Cube(1) with { H = 3, W = 3 };
            var pool = Pool3dGeometry.Create(g.Batch, cout, g.Output, poolKernel, stride: tiling ? poolKernel : new Dims3(1, 2, 2),
                padding: tiling ? null : new Dims3(0, 1, 1));
            var (x, w, b) = SparseOperands.Create(g, random.NextDouble(), hasBias: true, random);
            var mask = SparseOperands.RandomMask(g, random);
            var (expected, _) = Pool3dReference.Max(pool, SparseOperands.Reference(g, x, w, b, mask));
            GatedConv3dCrossover.Set(g, crossover);
            foreach (var width in KernelSettings.Widths().Take(2))
            foreach (int threads in new[] { 1, 2 })
            {
                bool wholePasses = width switch { SimdWidth.Vector512 => cout % 16 == 0, SimdWidth.Vector256 => cout % 8 == 0, _ => false };
                bool fused = expectedPath == GatedConvPath.SparseInput && tiling && wholePasses && trial % 5 != 2;
                var prepared = PreparedAt(width, g, w, b);
                var pooled = new GuardedBuffer(pool.OutputLength);
                var output = new float[g.OutputLength];
                GatedConvPath path = default, unpooled = default;
                ConvWorkCounters work = default, unpooledWork = default;
                KernelSettings.Run(width, threads, () =>
                {
                    unpooled = GatedConv3d.Forward(g, x, prepared, new float[g.OutputLength], mask, out unpooledWork);
                    path = GatedConv3d.Forward(g, x, prepared, output, pool, pooled.Span, mask, out work);
                });
                string context = $"{g} pool {pool.Kernel}/{pool.Stride} {SparseOperands.Describe(mask)} {width} threads={threads}";
                Assert.Equal(expectedPath, path);
                Assert.Equal(unpooled, path);
                Numerics.AssertClose(pooled.Span, expected, Tolerance, context);
                pooled.AssertGuardIntact(context);
                Assert.Equal(fused ? GatedConvCost.SparseInput(g, mask, x, width) with { OutputBytesWritten = pool.OutputLength * sizeof(float) } : unpooledWork, work);
            }
        }
    }

    /// <summary>
    /// DANCE's feature mask fused into the compaction, unpooled and pooled, at the two widest widths and 1 and 2 threads:
    /// equal to the dense conv (and pool) of the input with dropped frames and channels zeroed and every value kept only
    /// when positive and at least the threshold (negative, zero, positive and NaN thresholds), sentinels intact, the kept
    /// values counted, the work that of the sparse kernel on that masked input. With the crossover at zero it declines
    /// and writes nothing; so does it where the plane form does not run (stride 2 along H).
    /// </summary>
    [Fact]
    public void FeatureMaskedForwardEqualsTheDenseConvOfTheThresholdedInput()
    {
        var random = new Random(41);
        float[] thresholds = [-0.5f, 0f, 0.3f, float.NaN];
        for (int trial = 0; trial < 8; trial++)
        {
            int size = 2 * random.Next(1, 4), cout = new[] { 16, 32, 48 }[random.Next(3)];
            var g = Conv3dGeometry.Create(random.Next(1, 3), new[] { 3, 16, 19 }[random.Next(3)], new Dims3(size, size, size + 2), cout,
                Dims3.Cube(3), padding: Dims3.Cube(1));
            var pool = Pool3dGeometry.Create(g.Batch, cout, g.Output, new Dims3(random.Next(1, 3), 2, 2));
            var (x, w, b) = SparseOperands.Create(g, 0.2 + 0.8 * random.NextDouble(), hasBias: true, random);
            var mask = SparseOperands.RandomMask(g, random);
            float threshold = thresholds[trial % thresholds.Length];
            var kept = Thresholded(g, x, mask, threshold);
            long keptCount = kept.Count(v => v != 0);
            var expected = SparseOperands.Reference(g, kept, w, b, mask);
            var (expectedPooled, _) = Pool3dReference.Max(pool, expected);
            foreach (var width in KernelSettings.Widths().Take(2))
            foreach (int threads in new[] { 1, 2 })
            {
                var prepared = PreparedAt(width, g, w, b);
                var y = new GuardedBuffer(g.OutputLength);
                var pooled = new GuardedBuffer(pool.OutputLength);
                bool ran = false, ranPooled = false, declined = true;
                ConvWorkCounters work = default, pooledWork = default;
                long counted = 0, countedPooled = 0;
                KernelSettings.Run(width, threads, () =>
                {
                    GatedConv3dCrossover.Set(g, 2.0);
                    ran = GatedConv3d.TryForwardFeatureMasked(g, x, threshold, prepared, y.Span, mask, out work, out counted);
                    ranPooled = GatedConv3d.TryForwardFeatureMasked(g, x, threshold, prepared, new float[g.OutputLength], pool, pooled.Span, mask, out pooledWork, out countedPooled);
                    GatedConv3dCrossover.Set(g, 0.0);
                    var untouched = new float[g.OutputLength];
                    declined = !GatedConv3d.TryForwardFeatureMasked(g, x, threshold, prepared, untouched, mask, out _, out _) && untouched.All(v => v == 0);
                });
                string context = $"{g} threshold {threshold} {SparseOperands.Describe(mask)} {width} threads={threads}";
                bool planes = SparseInputPlanes.Applies(g, width);
                Assert.Equal(planes, ran);
                Assert.Equal(planes, ranPooled);
                Assert.True(declined, $"{context}: ran above the crossover");
                if (!planes) continue;
                Numerics.AssertClose(y.Span, expected, Tolerance, context);
                Numerics.AssertClose(pooled.Span, expectedPooled, Tolerance, context);
                y.AssertGuardIntact(context);
                pooled.AssertGuardIntact(context);
                Assert.Equal(keptCount, counted);
                Assert.Equal(keptCount, countedPooled);
                var expectedWork = GatedConvCost.SparseInput(g, mask, kept, width);
                Assert.Equal(expectedWork, work);
                Assert.Equal(expectedWork with { OutputBytesWritten = pool.OutputLength * sizeof(float) }, pooledWork);
            }
        }
        var strided = Conv3dGeometry.Create(1, 16, new Dims3(4, 8, 8), 16, Dims3.Cube(3), new Dims3(1, 2, 1), Dims3.Cube(1));
        var output = new float[strided.OutputLength];
        Assert.False(GatedConv3d.TryForwardFeatureMasked(strided, new float[strided.InputLength], 0f, new GatedConv3dWeights(strided, new float[strided.WeightLength], []),
            output, Conv3dInputMask.Create(strided, [0, 1], [2]), out _, out _));
    }

    /// <summary>The input with dropped frames and channels zeroed and every value below the threshold or not positive zeroed.</summary>
    private static float[] Thresholded(in Conv3dGeometry g, float[] x, Conv3dInputMask mask, float threshold)
    {
        var frames = Conv3dReference.KeptFlags(g.Input.T, mask.KeptFrames);
        var channels = Conv3dReference.KeptFlags(g.InChannels, mask.KeptChannels);
        int frame = g.Input.H * g.Input.W * g.InChannels, frameCount = g.Input.T, channelCount = g.InChannels;
        return x.Select((v, i) => frames[i / frame % frameCount] && channels[i % channelCount] && v > 0 && v >= threshold ? v : 0f).ToArray();
    }

    [Fact]
    public void APoolThatDoesNotTakeTheConvsOutputIsRefusedWithItsShape()
    {
        var g = Conv3dGeometry.Create(1, 4, new Dims3(4, 4, 4), 16, Dims3.Cube(3), padding: Dims3.Cube(1));
        var prepared = new GatedConv3dWeights(g, new float[g.WeightLength], []);
        var pool = Pool3dGeometry.Create(1, 16, new Dims3(4, 4, 6), Dims3.Cube(2));
        var e = Assert.Throws<ArgumentException>(() => GatedConv3d.Forward(g, new float[g.InputLength], prepared, new float[g.OutputLength], pool, new float[pool.OutputLength], null, out _));
        Assert.Contains("[1, 4, 4, 6, 16]", e.Message);
        pool = Pool3dGeometry.Create(1, 16, g.Output, Dims3.Cube(2));
        e = Assert.Throws<ArgumentException>(() => GatedConv3d.Forward(g, new float[g.InputLength], prepared, new float[g.OutputLength], pool, new float[7], null, out _));
        Assert.Contains($"has 7 values; pool [1, 2, 2, 2, 16] needs {pool.OutputLength}", e.Message);
    }

    [Fact]
    public void PreparedForwardAllocatesNothing()
    {
        var g = Conv3dGeometry.Create(1, 16, new Dims3(4, 8, 9), 32, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.3, hasBias: true, new Random(1));
        var prepared = new GatedConv3dWeights(g, w, b);
        var y = new float[g.OutputLength];
        var mask = Conv3dInputMask.Create(g, [0, 2, 3], [1, 4, 5, 9, 15]);
        var pool = Pool3dGeometry.Create(1, 32, g.Output, new Dims3(2, 2, 3));
        var pooled = new float[pool.OutputLength];
        KernelSettings.Run(SimdDispatch.Best, 2, () =>
        {
            SparseInputConv3d.Forward(g, x, prepared, y, mask, out _);
            GatedConv3d.Forward(g, x, prepared, y, pool, pooled, mask, out _, 0.3);
            long before = GC.GetAllocatedBytesForCurrentThread();
            SparseInputConv3d.Forward(g, x, prepared, y, mask, out _);
            SparseInputConv3d.Forward(g, x, prepared, y, null, out _);
            GatedConv3d.Forward(g, x, prepared, y, pool, pooled, mask, out _, 0.3);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"the prepared forwards allocated {allocated} bytes");
        });
    }

    [Fact]
    public void BadPreparedWeightsNameTheValues()
    {
        var g = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var e = Assert.Throws<ArgumentException>(() => new GatedConv3dWeights(g, new float[g.WeightLength - 1], []));
        Assert.Contains($"weight has {g.WeightLength - 1} elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GatedConv3dWeights(g, new float[g.WeightLength], new float[5]));
        Assert.Contains("bias has 5 elements", e.Message);
        var other = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 6), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var prepared = new GatedConv3dWeights(other, new float[other.WeightLength], []);
        e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(g, new float[g.InputLength], prepared, new float[g.OutputLength], null, out _));
        Assert.Contains("prepared for conv", e.Message);
        e = Assert.Throws<ArgumentException>(() => GatedConv3d.Forward(g, new float[g.InputLength], prepared, new float[g.OutputLength], null, out _));
        Assert.Contains("prepared for conv", e.Message);
    }

    /// <summary>Weights prepared at <paramref name="width"/>, as a plan built on a machine whose best width it is.</summary>
    private static GatedConv3dWeights PreparedAt(SimdWidth width, in Conv3dGeometry g, float[] w, float[] b)
    {
        GatedConv3dWeights? prepared = null;
        var geometry = g;
        KernelSettings.Run(width, 1, () => prepared = new GatedConv3dWeights(geometry, w, b));
        return prepared!;
    }

    /// <summary>A geometry the plane form runs: kH = kW = 3, stride and dilation 1 along H and W, padding 0-2 there; anything along T.</summary>
    private static Conv3dGeometry PlaneGeometry(Random random)
    {
        int[] inChannels = [1, 3, 13, 16, 19, 32, 40];
        int[] outChannels = [1, 16, 17, 32, 40, 64, 131];
        while (true)
        {
            int pad = random.Next(0, 3), padW = random.Next(0, 3), kt = random.Next(1, 4), dt = random.Next(1, 3), padT = random.Next(0, 2);
            var size = new Dims3(random.Next(1, 8), random.Next(1, 9), random.Next(1, 10));
            if ((kt - 1) * dt + 1 > size.T + 2 * padT || size.H + 2 * pad < 3 || size.W + 2 * padW < 3) continue;
            return Conv3dGeometry.Create(random.Next(1, 3), inChannels[random.Next(inChannels.Length)], size,
                outChannels[random.Next(outChannels.Length)], new Dims3(kt, 3, 3), new Dims3(random.Next(1, 3), 1, 1),
                new Dims3(padT, pad, padW), new Dims3(dt, 1, 1));
        }
    }
}
