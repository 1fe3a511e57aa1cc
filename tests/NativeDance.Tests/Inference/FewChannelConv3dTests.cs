using NativeDance.Pruning.Inference.Steps;
using NativeDance.Tensors.Conv;
using NativeDance.Tests.Conv;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Inference;

public class FewChannelConv3dTests
{
    public static TheoryData<int, int, int, int, int, int, int> Cases() => new()
    {
        // cin, cout, kernel (t, hw), stride (t, hw), padding, dilation
        { 3, 16, 3, 3, 1, 2, 1 },
        { 3, 32, 3, 7, 1, 2, 1 },
        { 1, 8, 1, 3, 1, 1, 1 },
        { 2, 48, 3, 3, 2, 1, 0 },
        { 4, 16, 3, 3, 1, 3, 2 },
        { 3, 24, 2, 5, 2, 2, 1 },
        { 3, 64, 3, 7, 1, 2, 1 },  // the R3D-18 stem's shape: four vectors per block
        { 3, 64, 3, 3, 1, 1, 1 },  // C3D's conv1
        { 2, 96, 1, 3, 1, 2, 0 },  // six vectors: blocks of two
        { 3, 48, 3, 3, 1, 2, 1 },  // three vectors, 3x3 at stride 2: even columns paired
        { 2, 8, 1, 3, 1, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesThePlainLoopConv(int cin, int cout, int kt, int k, int st, int s, int p)
    {
        var random = new Random(cin * 100 + cout);
        var g = Conv3dGeometry.Create(1, cin, new Dims3(5, 13, 11), cout, new Dims3(kt, k, k), new Dims3(st, s, s),
            new Dims3(p, k / 2, k / 2), Dims3.Cube(1));
        Assert.SkipUnless(FewChannelConv3d.Supports(g), "no 256- or 512-bit vectors on this machine");
        var x = Random(g.InputLength, random);
        var w = Random(g.WeightLength, random);
        var b = Random(g.OutChannels, random);
        var y = new GuardedBuffer(g.OutputLength);
        // Stale data in the scratch buffer: the kernel must zero every border and its slack itself.
        var padded = new float[FewChannelConv3d.PaddedLength(g)];
        Array.Fill(padded, float.NaN);
        FewChannelConv3d.Forward(g, x, w, b, y.Span, padded);
        y.AssertGuardIntact(g.ToString());
        var expected = Conv3dReference.Forward(g, Array.ConvertAll(x, v => (double)v), Array.ConvertAll(w, v => (double)v), Array.ConvertAll(b, v => (double)v));
        Numerics.AssertClose(y.Span, expected, 1e-11, g.ToString());
        FewChannelConv3d.Forward(g, x, w, b, y.Span, padded, rectify: true);
        Numerics.AssertClose(y.Span, Array.ConvertAll(expected, v => Math.Max(v, 0)), 1e-11, $"{g} with ReLU");
    }

    /// <summary>Rows wider than one pixel block: whole blocks, then a partial one, over one and two vectors of output channels.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WideRowsSplitIntoPixelBlocks(int stride)
    {
        var random = new Random(stride);
        foreach (int cout in new[] { 16, 32 })
        {
            var g = Conv3dGeometry.Create(1, 3, new Dims3(3, 5, 37), cout, Dims3.Cube(3), new Dims3(1, stride, stride), Dims3.Cube(1));
            Assert.SkipUnless(FewChannelConv3d.Supports(g), "no 256- or 512-bit vectors on this machine");
            var x = Random(g.InputLength, random);
            var w = Random(g.WeightLength, random);
            var b = Random(g.OutChannels, random);
            var y = new GuardedBuffer(g.OutputLength);
            FewChannelConv3d.Forward(g, x, w, b, y.Span, new float[FewChannelConv3d.PaddedLength(g)]);
            y.AssertGuardIntact(g.ToString());
            var expected = Conv3dReference.Forward(g, Array.ConvertAll(x, v => (double)v), Array.ConvertAll(w, v => (double)v), Array.ConvertAll(b, v => (double)v));
            Numerics.AssertClose(y.Span, expected, 1e-11, g.ToString());
        }
    }

    [Fact]
    public void DilationAndBadInputs()
    {
        var g = Conv3dGeometry.Create(1, 3, new Dims3(6, 9, 10), 16, Dims3.Cube(3), Dims3.Cube(1), Dims3.Cube(2), Dims3.Cube(2));
        var x = Random(g.InputLength, new Random(1));
        var w = Random(g.WeightLength, new Random(2));
        var b = Random(16, new Random(3));
        if (FewChannelConv3d.Supports(g))
        {
            var y = new float[g.OutputLength];
            FewChannelConv3d.Forward(g, x, w, b, y, new float[FewChannelConv3d.PaddedLength(g)]);
            var expected = Conv3dReference.Forward(g, Array.ConvertAll(x, v => (double)v), Array.ConvertAll(w, v => (double)v), Array.ConvertAll(b, v => (double)v));
            Numerics.AssertClose(y, expected, 1e-11, g.ToString());
            var e = Assert.Throws<ArgumentException>(() => FewChannelConv3d.Forward(g, x, w, b, y, new float[5]));
            Assert.Contains("has 5 floats", e.Message);
        }
        var wide = Conv3dGeometry.Create(1, 8, new Dims3(2, 4, 4), 16, Dims3.Cube(1));
        Assert.False(FewChannelConv3d.Supports(wide));
        Assert.Throws<ArgumentException>(() => FewChannelConv3d.Forward(wide, new float[wide.InputLength], new float[wide.WeightLength], new float[16], new float[wide.OutputLength], []));
    }

    private static float[] Random(int length, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
