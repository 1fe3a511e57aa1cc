using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

[Collection(nameof(KernelSettings))]
public class SparseInputConv3dTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Random geometries (odd sizes; strides 1/2, paddings 0/1, dilations 1/2 per axis; Cout across the
    /// register-block widths and padded rows), densities from 0 to 1 and masks from empty to full, at every width and
    /// 1 and 2 threads: equal to the dense conv of the masked input, sentinels intact, counters equal to the analytic ones.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EqualsDenseConvOfMaskedInputAndCountsItsWork(int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 6; trial++)
        {
            var g = SparseOperands.RandomGeometry(random);
            double density = trial switch { 0 => 0, 1 => 1, _ => random.NextDouble() };
            var (x, w, b) = SparseOperands.Create(g, density, random.Next(2) == 0, random);
            var mask = trial == 2 ? Conv3dInputMask.Create(g, [], null) : SparseOperands.RandomMask(g, random);
            var expected = SparseOperands.Reference(g, x, w, b, mask);
            foreach (var width in KernelSettings.Widths())
            foreach (int threads in new[] { 1, 2 })
            {
                var y = new GuardedBuffer(g.OutputLength);
                ConvWorkCounters work = default;
                KernelSettings.Run(width, threads, () => SparseInputConv3d.Forward(g, x, w, b, y.Span, mask, out work));
                string context = $"{g} density {density:F2} {SparseOperands.Describe(mask)} {width} threads={threads}";
                Numerics.AssertClose(y.Span, expected, Tolerance, context);
                y.AssertGuardIntact(context);
                Assert.Equal(GatedConvCost.SparseInput(g, mask, x, width), work);
            }
        }
    }

    /// <summary>Enough channels for several channel blocks and enough output channels for a full register block plus
    /// remainders of 4, 2 and 1 vectors at some width, at every width.</summary>
    [Fact]
    public void SplitsIntoChannelAndOutputBlocks()
    {
        var g = Conv3dGeometry.Create(1, 50, new Dims3(3, 5, 7), 131, Dims3.Cube(3), new Dims3(1, 2, 1), Dims3.Cube(1));
        var random = new Random(12);
        var (x, w, b) = SparseOperands.Create(g, 0.4, hasBias: true, random);
        foreach (var mask in new[] { null, Conv3dInputMask.Create(g, [0, 2], Enumerable.Range(0, 50).Where(c => c % 3 != 1).ToArray()) })
        {
            var expected = SparseOperands.Reference(g, x, w, b, mask);
            foreach (var width in KernelSettings.Widths())
            {
                var y = new GuardedBuffer(g.OutputLength);
                ConvWorkCounters work = default;
                KernelSettings.Run(width, 2, () => SparseInputConv3d.Forward(g, x, w, b, y.Span, mask, out work));
                string context = $"{SparseOperands.Describe(mask)} {width}";
                Numerics.AssertClose(y.Span, expected, Tolerance, context);
                y.AssertGuardIntact(context);
                Assert.Equal(GatedConvCost.SparseInput(g, mask, x, width), work);
            }
        }
    }

    /// <summary>Weights on a cache line with Cout a multiple of 16 are read in place, others are copied to aligned rows
    /// first: both give the dense conv of the masked input, bit for bit the same sums, and the same counts, with and
    /// in the scatter form (kW 3, stride and dilation 1 along W, padding 0-2) and the gather form (stride or dilation 2).</summary>
    [Theory]
    [InlineData(16, 1, 1, 1)]
    [InlineData(32, 1, 1, 2)]
    [InlineData(48, 1, 2, 1)]
    [InlineData(64, 2, 1, 1)]
    [InlineData(144, 1, 0, 1)]
    public unsafe void AlignedWeightsReadInPlaceMatchCopiedOnes(int outChannels, int dilationW, int paddingW, int strideW)
    {
        var g = Conv3dGeometry.Create(2, 13, new Dims3(3, 6, 9), outChannels, Dims3.Cube(3), new Dims3(1, 1, strideW), new Dims3(1, 1, paddingW), new Dims3(1, 1, dilationW));
        var random = new Random(outChannels);
        var (x, w, b) = SparseOperands.Create(g, 0.35, hasBias: true, random);
        var (buffer, capacity) = NativeBufferPool.Rent(g.WeightLength + 16);
        try
        {
            foreach (var mask in new[] { null, SparseOperands.RandomMask(g, random) })
            {
                var expected = SparseOperands.Reference(g, x, w, b, mask);
                var outputs = new List<float[]>();
                foreach (int shift in new[] { 0, 1 })
                {
                    var weight = new Span<float>((float*)buffer + shift, g.WeightLength);
                    w.CopyTo(weight);
                    Assert.Equal(shift == 0, SparseInputWeights.InPlace((float*)buffer + shift, outChannels));
                    var y = new GuardedBuffer(g.OutputLength);
                    SparseInputConv3d.Forward(g, x, weight, b, y.Span, mask, out var work);
                    string context = $"shift {shift} {SparseOperands.Describe(mask)}";
                    Numerics.AssertClose(y.Span, expected, Tolerance, context);
                    y.AssertGuardIntact(context);
                    Assert.Equal(GatedConvCost.SparseInput(g, mask, x), work);
                    outputs.Add(y.Span.ToArray());
                }
                Assert.Equal(outputs[0], outputs[1]);
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    [Fact]
    public void WithoutMaskEveryChannelAndFrameCounts()
    {
        var g = Conv3dGeometry.Create(2, 5, new Dims3(3, 5, 7), 19, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.4, hasBias: true, new Random(8));
        var y = new GuardedBuffer(g.OutputLength);
        SparseInputConv3d.Forward(g, x, w, b, y.Span, null, out var work);
        Numerics.AssertClose(y.Span, SparseOperands.Reference(g, x, w, b, null), Tolerance, "no mask");
        y.AssertGuardIntact("no mask");
        Assert.Equal(GatedConvCost.SparseInput(g, null, x), work);
    }

    [Fact]
    public void EmptyMasksAndAllZeroInputGiveBiasAndNoMultiplyAdds()
    {
        var g = Conv3dGeometry.Create(1, 6, new Dims3(4, 5, 5), 21, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.5, hasBias: true, new Random(2));
        var zeros = new float[g.InputLength];
        foreach (var (input, mask) in new[] { (x, Conv3dInputMask.Create(g, [], null)), (x, Conv3dInputMask.Create(g, null, [])), (zeros, null) })
        {
            var y = new float[g.OutputLength];
            Array.Fill(y, float.NaN);
            SparseInputConv3d.Forward(g, input, w, b, y, mask, out var work);
            for (int i = 0; i < y.Length; i++) Assert.Equal(b[i % g.OutChannels], y[i]);
            Assert.Equal(0, work.Macs);
            Assert.Equal(0, work.WeightBytesRead);
            Assert.Equal(g.OutputLength * 4L, work.OutputBytesWritten);
        }
    }

    /// <summary>The analytic counts, checked against brute-force enumeration of (output pixel, tap) pairs: at density 1
    /// without padding the sparse MACs are the dense MACs, and the dense-compacted MACs are Cout x kept channels x the
    /// in-range taps on kept frames.</summary>
    [Fact]
    public void AnalyticCountsMatchEnumeration()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 10; trial++)
        {
            var g = SparseOperands.RandomGeometry(random);
            var mask = SparseOperands.RandomMask(g, random);
            var frames = Conv3dReference.KeptFlags(g.Input.T, mask.KeptFrames);
            long taps = 0;
            for (int n = 0; n < g.Batch; n++)
            for (int ot = 0; ot < g.Output.T; ot++)
            for (int oh = 0; oh < g.Output.H; oh++)
            for (int ow = 0; ow < g.Output.W; ow++)
            for (int kt = 0; kt < g.Kernel.T; kt++)
            for (int kh = 0; kh < g.Kernel.H; kh++)
            for (int kw = 0; kw < g.Kernel.W; kw++)
                if (Conv3dReference.InputIndex(g, n, ot, oh, ow, kt, kh, kw, out _, out int it) && frames[it]) taps++;
            var dense = GatedConvCost.DenseCompacted(g, mask);
            Assert.Equal(taps * mask.KeptChannels.Length * g.OutChannels, dense.Macs);
            var ones = new float[g.InputLength];
            Array.Fill(ones, 1f);
            Assert.Equal(dense.Macs, GatedConvCost.SparseInput(g, mask, ones).Macs);
        }
        var unpadded = Conv3dGeometry.Create(1, 3, new Dims3(4, 6, 5), 7, Dims3.Cube(3));
        Assert.Equal(unpadded.DenseMacs, GatedConvCost.DenseCompacted(unpadded, null).Macs);
    }

    [Fact]
    public void ForwardIntoPreallocatedOutputAllocatesNothing()
    {
        var g = Conv3dGeometry.Create(1, 16, new Dims3(4, 8, 9), 40, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.3, hasBias: true, new Random(1));
        var y = new float[g.OutputLength];
        var mask = Conv3dInputMask.Create(g, [0, 2, 3], [1, 4, 5, 9, 15]);
        KernelSettings.Run(SimdDispatch.Best, 2, () =>
        {
            SparseInputConv3d.Forward(g, x, w, b, y, mask, out _);
            long before = GC.GetAllocatedBytesForCurrentThread();
            SparseInputConv3d.Forward(g, x, w, b, y, mask, out _);
            SparseInputConv3d.Forward(g, x, w, b, y, null, out _);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"SparseInputConv3d.Forward allocated {allocated} bytes");
        });
    }

    [Fact]
    public void BadInputNamesTheValues()
    {
        var g = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var x = new float[g.InputLength];
        var w = new float[g.WeightLength];
        var y = new float[g.OutputLength];
        var e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(g, x.AsSpan(1), w, [], y, null, out _));
        Assert.Contains($"input has {g.InputLength - 1} elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(g, x, w.AsSpan(2), [], y, null, out _));
        Assert.Contains($"weight has {g.WeightLength - 2} elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(g, x, w, new float[5], y, null, out _));
        Assert.Contains("bias has 5 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(g, x, w, [], new float[3], null, out _));
        Assert.Contains("output has 3 elements", e.Message);
        var grouped = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2);
        e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(grouped, x, new float[grouped.WeightLength], [], y, null, out _));
        Assert.Contains("groups 2", e.Message);
        var foreign = Conv3dInputMask.Create(Conv3dGeometry.Create(1, 8, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1)), null, [1, 7]);
        e = Assert.Throws<ArgumentException>(() => SparseInputConv3d.Forward(g, x, w, [], y, foreign, out _));
        Assert.Contains("channels up to 7", e.Message);
    }
}

/// <summary>Random geometries, sparse operands, masks and the double-precision oracle for the gated conv tests.</summary>
internal static class SparseOperands
{
    /// <summary>Per axis: size 1-9, kernel 1-3, stride 1/2, padding 0/1, dilation 1/2 (retried until valid); Cin 1-11;
    /// Cout from a list covering a full register block at every width plus vector and scalar remainders.</summary>
    public static Conv3dGeometry RandomGeometry(Random random)
    {
        int[] outChannels = [1, 3, 8, 17, 40, 131];
        while (true)
        {
            int[] size = Draw(random, 1, 10), kernel = Draw(random, 1, 4), stride = Draw(random, 1, 3), pad = Draw(random, 0, 2), dilation = Draw(random, 1, 3);
            bool fits = true;
            for (int a = 0; a < 3; a++) fits &= (kernel[a] - 1) * dilation[a] + 1 <= size[a] + 2 * pad[a];
            if (!fits) continue;
            return Conv3dGeometry.Create(random.Next(1, 3), random.Next(1, 12), D(size), outChannels[random.Next(outChannels.Length)], D(kernel), D(stride), D(pad), D(dilation));
        }

        static int[] Draw(Random random, int min, int max) => [random.Next(min, max), random.Next(min, max), random.Next(min, max)];
        static Dims3 D(int[] v) => new(v[0], v[1], v[2]);
    }

    /// <summary>Input with a <paramref name="density"/> share of non-zeros at random positions, weights, optional bias.</summary>
    public static (float[] X, float[] W, float[] B) Create(in Conv3dGeometry g, double density, bool hasBias, Random random)
    {
        var x = new float[g.InputLength];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() < density ? Value(random) : 0f;
        var w = new float[g.WeightLength];
        for (int i = 0; i < w.Length; i++) w[i] = Value(random);
        var b = hasBias ? new float[g.OutChannels] : [];
        for (int i = 0; i < b.Length; i++) b[i] = Value(random);
        return (x, w, b);
    }

    /// <summary>A random mask: each axis kept with a random share, sometimes nothing, sometimes everything.</summary>
    public static Conv3dInputMask RandomMask(in Conv3dGeometry g, Random random) =>
        Conv3dInputMask.Create(g, Subset(random, g.Input.T), Subset(random, g.InChannels));

    /// <summary>The dense conv, in double precision, of the input with dropped frames and channels zeroed.</summary>
    public static double[] Reference(in Conv3dGeometry g, float[] x, float[] w, float[] b, Conv3dInputMask? mask)
    {
        var masked = new double[x.Length];
        var frames = Conv3dReference.KeptFlags(g.Input.T, mask?.KeptFrames);
        var channels = Conv3dReference.KeptFlags(g.InChannels, mask?.KeptChannels);
        int frame = g.Input.H * g.Input.W * g.InChannels;
        for (int i = 0; i < x.Length; i++)
            masked[i] = frames[i / frame % g.Input.T] && channels[i % g.InChannels] ? x[i] : 0;
        return Conv3dReference.Forward(g, masked, Array.ConvertAll(w, v => (double)v), Array.ConvertAll(b, v => (double)v));
    }

    public static string Describe(Conv3dInputMask? mask) =>
        mask is null ? "no mask" : $"frames [{string.Join(",", mask.KeptFrames)}] channels [{string.Join(",", mask.KeptChannels)}]";

    private static float Value(Random random) => (float)(random.NextDouble() * 2 - 1);

    private static int[]? Subset(Random random, int size)
    {
        double keep = random.Next(4) switch { 0 => 1, 1 => 0, _ => random.NextDouble() };
        return Enumerable.Range(0, size).Where(_ => random.NextDouble() < keep).ToArray();
    }
}
