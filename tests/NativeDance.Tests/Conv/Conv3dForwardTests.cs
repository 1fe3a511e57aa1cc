using NativeDance.Tensors.Conv;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

[Collection(nameof(KernelSettings))]
public class Conv3dForwardTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Geometries covering every path: dense 3x3x3, temporal (k,1,1), spatial (1,k,k), pointwise flat and
    /// strided, per-axis stride / padding / dilation mixes, batches, groups, depthwise (vector + scalar channels),
    /// edge panels, several K chunks, lines longer than a tile.</summary>
    public static TheoryData<string> Cases => new(CaseList.Select(c => c.Name));

    private static readonly (string Name, Conv3dGeometry G, bool Bias)[] CaseList =
    [
        ("dense 3x3x3 pad 1", Conv3dGeometry.Create(1, 3, new Dims3(5, 9, 11), 8, Dims3.Cube(3), padding: Dims3.Cube(1)), true),
        ("temporal 3x1x1 batch 2", Conv3dGeometry.Create(2, 5, new Dims3(4, 7, 6), 7, new Dims3(3, 1, 1), padding: new Dims3(1, 0, 0)), true),
        ("spatial 1x3x3", Conv3dGeometry.Create(1, 6, new Dims3(3, 9, 10), 5, new Dims3(1, 3, 3), padding: new Dims3(0, 1, 1)), false),
        ("1x7x7 stride 2", Conv3dGeometry.Create(1, 4, new Dims3(2, 13, 15), 6, new Dims3(1, 7, 7), new Dims3(1, 2, 2), new Dims3(0, 3, 3)), true),
        ("pointwise flat batch 2", Conv3dGeometry.Create(2, 7, new Dims3(3, 5, 6), 9, Dims3.Cube(1)), true),
        ("pointwise stride 2", Conv3dGeometry.Create(1, 5, new Dims3(4, 6, 7), 4, Dims3.Cube(1), Dims3.Cube(2)), true),
        ("3x3x3 stride 2", Conv3dGeometry.Create(1, 6, new Dims3(5, 8, 9), 10, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)), true),
        ("3x3x3 pad 2 dilation 2", Conv3dGeometry.Create(1, 4, new Dims3(6, 9, 9), 6, Dims3.Cube(3), padding: Dims3.Cube(2), dilation: Dims3.Cube(2)), true),
        ("per-axis mix", Conv3dGeometry.Create(1, 3, new Dims3(5, 7, 8), 5, new Dims3(2, 3, 2), new Dims3(1, 2, 1), new Dims3(0, 1, 2), new Dims3(2, 1, 2)), true),
        ("pad 2 stride 2 batch 3", Conv3dGeometry.Create(3, 3, new Dims3(5, 6, 7), 4, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(2)), false),
        ("groups 2", Conv3dGeometry.Create(1, 6, new Dims3(3, 6, 7), 8, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2), true),
        ("groups 3 of 40", Conv3dGeometry.Create(1, 6, new Dims3(2, 5, 6), 120, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 3), true),
        ("depthwise 20", Conv3dGeometry.Create(2, 20, new Dims3(3, 7, 9), 20, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 20), true),
        ("depthwise strided dilated", Conv3dGeometry.Create(1, 9, new Dims3(4, 8, 8), 9, Dims3.Cube(3), new Dims3(1, 2, 2), new Dims3(1, 2, 2), new Dims3(1, 2, 2), 9), false),
        ("depthwise multiplier 2", Conv3dGeometry.Create(1, 4, new Dims3(3, 5, 5), 8, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 4), true),
        ("edge panel 70 outputs", Conv3dGeometry.Create(1, 40, new Dims3(2, 4, 30), 70, Dims3.Cube(3), padding: Dims3.Cube(1)), true),
        ("several K chunks", Conv3dGeometry.Create(1, 128, new Dims3(2, 4, 13), 40, Dims3.Cube(3), padding: Dims3.Cube(1)), true),
        ("long line", Conv3dGeometry.Create(1, 2, new Dims3(1, 1, 40), 3, new Dims3(1, 1, 3), padding: new Dims3(0, 0, 1)), true),
        // With AVX-512, the 28 x 16 tile: lines of 14 or more pixels read 64, 128, 256 or 512 floats apart
        ("28x16: 64 channels, lines of 30", Conv3dGeometry.Create(1, 64, new Dims3(2, 3, 30), 20, Dims3.Cube(3), padding: Dims3.Cube(1)), true),
        ("28x16: 32 channels at W stride 2", Conv3dGeometry.Create(1, 32, new Dims3(3, 4, 33), 16, new Dims3(1, 3, 3), new Dims3(1, 1, 2), new Dims3(0, 1, 1)), false),
        ("28x16: 128 channels, groups 2, batch 2", Conv3dGeometry.Create(2, 128, new Dims3(2, 2, 16), 32, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2), true),
        ("28x16: 256 channels, pointwise", Conv3dGeometry.Create(1, 256, new Dims3(1, 1, 20), 24, Dims3.Cube(1)), true),
        ("28x16: 512 channels, T dilation 2", Conv3dGeometry.Create(1, 512, new Dims3(5, 2, 14), 16, new Dims3(3, 1, 3), padding: new Dims3(0, 0, 1), dilation: new Dims3(2, 1, 1)), true),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceAtEveryWidthAndThreadCount(string name)
    {
        var (_, g, hasBias) = CaseList.Single(c => c.Name == name);
        var (x, w, b) = Operands(g, hasBias, seed: name.Length);
        var expected = Conv3dReference.Forward(g, ToDouble(x), ToDouble(w), ToDouble(b));
        foreach (var width in KernelSettings.WidthNames())
        foreach (int threads in new[] { 1, 2 })
        {
            var y = new GuardedBuffer(g.OutputLength);
            KernelSettings.Run(width, threads, () => Conv3d.Forward(g, x, w, b, y.Span));
            string context = $"{name} {width} threads={threads}";
            Numerics.AssertClose(y.Span, expected, Tolerance, context);
            y.AssertGuardIntact(context);
        }
    }

    [Fact]
    public void RandomGeometriesMatchReference()
    {
        // Every axis draws its own kernel 1-3, stride 1-2, padding 0-2 and dilation 1-2; groups 1, 2 or depthwise.
        var random = new Random(2024);
        for (int trial = 0; trial < 40; trial++)
        {
            int groups = random.Next(3) switch { 0 => 1, 1 => 2, _ => 0 };
            int cin = groups == 0 ? random.Next(1, 20) : groups * random.Next(1, 5);
            int cout = groups == 0 ? cin : groups * random.Next(1, 6);
            if (groups == 0) groups = cin;
            Dims3 Draw(int min, int max) => new(random.Next(min, max + 1), random.Next(min, max + 1), random.Next(min, max + 1));
            var kernel = Draw(1, 3);
            var dilation = Draw(1, 2);
            var padding = Draw(0, 2);
            var input = new Dims3(
                Math.Max(random.Next(1, 7), (kernel.T - 1) * dilation.T + 1),
                Math.Max(random.Next(1, 9), (kernel.H - 1) * dilation.H + 1),
                Math.Max(random.Next(1, 17), (kernel.W - 1) * dilation.W + 1));
            var g = Conv3dGeometry.Create(random.Next(1, 3), cin, input, cout, kernel, Draw(1, 2), padding, dilation, groups);
            var (x, w, b) = Operands(g, hasBias: random.Next(2) == 0, seed: trial);
            var expected = Conv3dReference.Forward(g, ToDouble(x), ToDouble(w), ToDouble(b));
            var y = new GuardedBuffer(g.OutputLength);
            KernelSettings.Run(Tensors.Gemm.SimdDispatch.Best, 2, () => Conv3d.Forward(g, x, w, b, y.Span));
            Numerics.AssertClose(y.Span, expected, Tolerance, g.ToString());
            y.AssertGuardIntact(g.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaskedEqualsDenseConvOfMaskedInput(string name)
    {
        var (_, g, hasBias) = CaseList.Single(c => c.Name == name);
        var (x, w, b) = Operands(g, hasBias, seed: 100 + name.Length);
        var random = new Random(name.Length);
        for (int trial = 0; trial < 3; trial++)
        {
            var mask = Conv3dInputMask.Create(g, Subset(random, g.Input.T), Subset(random, g.InChannels));
            var expected = Conv3dReference.Forward(g, ToDouble(Masked(g, x, mask)), ToDouble(w), ToDouble(b));
            foreach (int threads in new[] { 1, 2 })
            {
                var y = new GuardedBuffer(g.OutputLength);
                KernelSettings.Run(Tensors.Gemm.SimdDispatch.Best, threads, () => Conv3d.Forward(g, x, w, b, y.Span, mask));
                string context = $"{name} frames [{string.Join(",", mask.KeptFrames)}] channels [{string.Join(",", mask.KeptChannels)}] threads={threads}";
                Numerics.AssertClose(y.Span, expected, Tolerance, context);
                y.AssertGuardIntact(context);
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelSettings.WidthNames), MemberType = typeof(KernelSettings))]
    public void MasksAtEveryWidth(string width)
    {
        foreach (var name in new[] { "dense 3x3x3 pad 1", "groups 2", "depthwise 20", "pointwise flat batch 2" })
        {
            var (_, g, hasBias) = CaseList.Single(c => c.Name == name);
            var (x, w, b) = Operands(g, hasBias, seed: 7);
            var mask = Conv3dInputMask.Create(g, Subset(new Random(3), g.Input.T), Subset(new Random(4), g.InChannels));
            var expected = Conv3dReference.Forward(g, ToDouble(Masked(g, x, mask)), ToDouble(w), ToDouble(b));
            var y = new GuardedBuffer(g.OutputLength);
            KernelSettings.Run(width, 1, () => Conv3d.Forward(g, x, w, b, y.Span, mask));
            Numerics.AssertClose(y.Span, expected, Tolerance, $"{name} {width}");
            y.AssertGuardIntact($"{name} {width}");
        }
    }

    [Theory]
    [InlineData("dense 3x3x3 pad 1")]
    [InlineData("depthwise 20")]
    [InlineData("groups 2")]
    public void EmptyMasksGiveBiasAndFullMasksGiveDense(string name)
    {
        var (_, g, _) = CaseList.Single(c => c.Name == name);
        var (x, w, b) = Operands(g, hasBias: true, seed: 5);
        var y = new float[g.OutputLength];
        foreach (var mask in new[] { Conv3dInputMask.Create(g, [], null), Conv3dInputMask.Create(g, null, []), Conv3dInputMask.Create(g, [], []) })
        {
            Array.Fill(y, float.NaN);
            Conv3d.Forward(g, x, w, b, y, mask);
            for (int i = 0; i < y.Length; i++)
                Assert.Equal(b[i % g.OutChannels], y[i]);
        }
        var dense = new float[g.OutputLength];
        Conv3d.Forward(g, x, w, b, dense);
        Conv3d.Forward(g, x, w, b, y, Conv3dInputMask.All(g));
        Assert.Equal(dense, y);
    }

    [Fact]
    public void MaskKeepingSixtyFourChannelsRunsTheTallTile()
    {
        // 64 of 96 channels kept: the staged input holds 64 floats a pixel, the stride of the AVX-512 28 x 16 tile.
        var g = Conv3dGeometry.Create(1, 96, new Dims3(4, 3, 20), 16, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = Operands(g, hasBias: true, seed: 11);
        var mask = Conv3dInputMask.Create(g, [0, 2, 3], Enumerable.Range(0, 96).Where(c => c % 3 != 2).ToArray());
        var expected = Conv3dReference.Forward(g, ToDouble(Masked(g, x, mask)), ToDouble(w), ToDouble(b));
        foreach (int threads in new[] { 1, 2 })
        {
            var y = new GuardedBuffer(g.OutputLength);
            KernelSettings.Run(Tensors.Gemm.SimdDispatch.Best, threads, () => Conv3d.Forward(g, x, w, b, y.Span, mask));
            Numerics.AssertClose(y.Span, expected, Tolerance, $"64 of 96 channels, threads={threads}");
            y.AssertGuardIntact($"64 of 96 channels, threads={threads}");
        }
    }

    [Fact]
    public void OutputFramesThatSeeNoKeptFrameGetTheBiasAlone()
    {
        var g = Conv3dGeometry.Create(1, 5, new Dims3(8, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = Operands(g, hasBias: true, seed: 9);
        var mask = Conv3dInputMask.Create(g, [0, 1], [0, 2, 3]);
        var y = new GuardedBuffer(g.OutputLength);
        Conv3d.Forward(g, x, w, b, y.Span, mask);
        var expected = Conv3dReference.Forward(g, ToDouble(Masked(g, x, mask)), ToDouble(w), ToDouble(b));
        Numerics.AssertClose(y.Span, expected, Tolerance, "frames 0-1 kept");
        int frame = g.Output.H * g.Output.W * g.OutChannels;
        for (int i = 3 * frame; i < g.OutputLength; i++)
            Assert.Equal(b[i % g.OutChannels], y.Span[i]);
        y.AssertGuardIntact("frames 0-1 kept");
    }

    [Fact]
    public void BadBuffersAndMasksNameTheValues()
    {
        var g = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var x = new float[g.InputLength];
        var w = new float[g.WeightLength];
        var y = new float[g.OutputLength];
        var e = Assert.Throws<ArgumentException>(() => Conv3d.Forward(g, x.AsSpan(1), w, [], y));
        Assert.Contains($"input has {g.InputLength - 1} elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv3d.Forward(g, x, w.AsSpan(2), [], y));
        Assert.Contains($"weight has {g.WeightLength - 2} elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv3d.Forward(g, x, w, new float[5], y));
        Assert.Contains("bias has 5 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv3d.Forward(g, x, w, [], new float[3]));
        Assert.Contains("output has 3 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv3dInputMask.Create(g, [0, 3], null));
        Assert.Contains("index 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv3dInputMask.Create(g, null, [2, 1]));
        Assert.Contains("2 is followed by 1", e.Message);
        var wider = Conv3dGeometry.Create(1, 8, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var foreign = Conv3dInputMask.Create(wider, null, [1, 7]);
        e = Assert.Throws<ArgumentException>(() => Conv3d.Forward(g, x, w, [], y, foreign));
        Assert.Contains("channels up to 7", e.Message);
    }

    [Fact]
    public void ForwardIntoPreallocatedOutputAllocatesNothing()
    {
        var dense = Conv3dGeometry.Create(1, 16, new Dims3(4, 8, 9), 40, Dims3.Cube(3), padding: Dims3.Cube(1));
        var depthwise = Conv3dGeometry.Create(1, 16, new Dims3(4, 8, 9), 16, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 16);
        foreach (var g in new[] { dense, depthwise })
        {
            var (x, w, b) = Operands(g, hasBias: true, seed: 1);
            var y = new float[g.OutputLength];
            var mask = Conv3dInputMask.Create(g, [0, 2, 3], [1, 4, 5, 9, 15]);
            KernelSettings.Run(Tensors.Gemm.SimdDispatch.Best, 1, () =>
            {
                Conv3d.Forward(g, x, w, b, y);
                Conv3d.Forward(g, x, w, b, y, mask);
                long before = GC.GetAllocatedBytesForCurrentThread();
                Conv3d.Forward(g, x, w, b, y);
                Conv3d.Forward(g, x, w, b, y, mask);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated == 0, $"{g}: Forward allocated {allocated} bytes");
            });
        }
    }

    private static (float[] X, float[] W, float[] B) Operands(in Conv3dGeometry g, bool hasBias, int seed)
    {
        var random = new Random(seed);
        return (Random(random, g.InputLength), Random(random, g.WeightLength), hasBias ? Random(random, g.OutChannels) : []);
    }

    /// <summary>A random sorted subset, sometimes empty or full.</summary>
    private static int[] Subset(Random random, int size)
    {
        double keep = random.NextDouble();
        return Enumerable.Range(0, size).Where(_ => random.NextDouble() < keep).ToArray();
    }

    /// <summary>The input with dropped frames and channels zeroed: what the masked conv must equal the dense conv of.</summary>
    private static float[] Masked(in Conv3dGeometry g, float[] x, Conv3dInputMask mask)
    {
        var frames = Conv3dReference.KeptFlags(g.Input.T, mask.KeptFrames);
        var channels = Conv3dReference.KeptFlags(g.InChannels, mask.KeptChannels);
        var result = (float[])x.Clone();
        int pixelsPerFrame = g.Input.H * g.Input.W;
        for (int i = 0; i < result.Length; i++)
        {
            int c = i % g.InChannels, t = i / g.InChannels / pixelsPerFrame % g.Input.T;
            if (!frames[t] || !channels[c]) result[i] = 0;
        }
        return result;
    }

    private static float[] Random(Random random, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    private static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
