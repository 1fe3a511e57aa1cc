using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

[Collection(nameof(NativeDance.Tests.Gemm.KernelSettings))]
public class Conv3dBackwardTests
{
    /// <summary>fp32 kernels against the double reference: sums of up to ~1000 products stay far below this.</summary>
    private const double Tolerance = 1e-9;

    private static readonly Conv3dGeometry[] Cases = BuildCases();

    public static TheoryData<int> CaseIndices => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void BackwardInputMatchesReference(int index)
    {
        var g = Cases[index];
        float[] gradOutput = RandomValues(g.OutputLength, 100 + (ulong)index), weight = RandomValues(g.WeightLength, 200 + (ulong)index);
        var gradInput = new GuardedBuffer(g.InputLength);
        Conv3d.BackwardInput(g, gradOutput, weight, gradInput.Span);
        gradInput.AssertGuardIntact($"gradInput of {g}");
        Numerics.AssertClose(gradInput.Span, Conv3dReference.BackwardInput(g, ToDouble(gradOutput), ToDouble(weight)), Tolerance, $"gradInput of {g}");
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void BackwardWeightMatchesReference(int index)
    {
        var g = Cases[index];
        float[] input = RandomValues(g.InputLength, 300 + (ulong)index), gradOutput = RandomValues(g.OutputLength, 400 + (ulong)index);
        var gradWeight = new GuardedBuffer(g.WeightLength);
        var gradBias = new GuardedBuffer(g.OutChannels);
        Conv3d.BackwardWeight(g, input, gradOutput, gradWeight.Span, gradBias.Span);
        gradWeight.AssertGuardIntact($"gradWeight of {g}");
        gradBias.AssertGuardIntact($"gradBias of {g}");
        Numerics.AssertClose(gradWeight.Span, Conv3dReference.BackwardWeight(g, ToDouble(input), ToDouble(gradOutput)), Tolerance, $"gradWeight of {g}");
        Numerics.AssertClose(gradBias.Span, Conv3dReference.BackwardBias(g, ToDouble(gradOutput)), Tolerance, $"gradBias of {g}");
    }

    /// <summary>
    /// Several pixel tiles under 1 and 3 threads, which switches every lowering between whole pipelines per thread
    /// (partial weight gradients; col2im parts in two phases) and tiles in sequence with multithreaded GEMMs.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void GradientsMatchTheReferenceAtAnyThreadCount(int threads)
    {
        int saved = ParallelFor.Threads;
        ParallelFor.Threads = threads;
        try
        {
            foreach (var g in new[]
            {
                Conv3dGeometry.Create(1, 24, new Dims3(8, 12, 20), 16, Dims3.Cube(3), padding: Dims3.Cube(1)),
                Conv3dGeometry.Create(1, 16, new Dims3(8, 12, 20), 24, Dims3.Cube(3), padding: Dims3.Cube(1)),
                Conv3dGeometry.Create(1, 40, new Dims3(9, 16, 20), 8, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)),
            })
            {
                float[] x = RandomValues(g.InputLength, 20), w = RandomValues(g.WeightLength, 21), dy = RandomValues(g.OutputLength, 22);
                float[] dx = new float[g.InputLength], dw = new float[g.WeightLength];
                Conv3d.BackwardInput(g, dy, w, dx);
                Conv3d.BackwardWeight(g, x, dy, dw, Span<float>.Empty);
                Numerics.AssertClose(dx, Conv3dReference.BackwardInput(g, ToDouble(dy), ToDouble(w)), Tolerance, $"gradInput of {g}, {threads} threads");
                Numerics.AssertClose(dw, Conv3dReference.BackwardWeight(g, ToDouble(x), ToDouble(dy)), Tolerance, $"gradWeight of {g}, {threads} threads");
            }
        }
        finally
        {
            ParallelFor.Threads = saved;
        }
    }

    [Fact]
    public void GradWeightIsTheSameWithoutBias()
    {
        var g = Conv3dGeometry.Create(1, 5, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        float[] input = RandomValues(g.InputLength, 1), gradOutput = RandomValues(g.OutputLength, 2);
        float[] withBias = new float[g.WeightLength], withoutBias = new float[g.WeightLength];
        Conv3d.BackwardWeight(g, input, gradOutput, withBias, new float[g.OutChannels]);
        Conv3d.BackwardWeight(g, input, gradOutput, withoutBias, Span<float>.Empty);
        Assert.Equal(withBias, withoutBias);
    }

    /// <summary>One geometry per algorithm: pointwise, unit-stride transposed conv, strided col2im, depthwise.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 12)]
    public void BackwardAllocatesNothingOnTheManagedHeap(int kernel, int stride, int groups)
    {
        var g = Conv3dGeometry.Create(1, 12, new Dims3(4, 9, 10), 12, Dims3.Cube(kernel), Dims3.Cube(stride),
            Dims3.Cube(kernel / 2), groups: groups);
        float[] x = RandomValues(g.InputLength, 5), w = RandomValues(g.WeightLength, 6), dy = RandomValues(g.OutputLength, 7);
        float[] dx = new float[g.InputLength], dw = new float[g.WeightLength], db = new float[g.OutChannels];
        Conv3d.BackwardInput(g, dy, w, dx);
        Conv3d.BackwardWeight(g, x, dy, dw, db);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Conv3d.BackwardInput(g, dy, w, dx);
        Conv3d.BackwardWeight(g, x, dy, dw, db);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WrongLengthsNameTheBufferAndShape()
    {
        var g = Conv3dGeometry.Create(1, 4, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2);
        float[] x = new float[g.InputLength], w = new float[g.WeightLength], y = new float[g.OutputLength], b = new float[g.OutChannels];
        AssertRejects("gradOutput", g.OutputShape, () => Conv3d.BackwardInput(g, new float[1], w, x));
        AssertRejects("weight", g.WeightShape, () => Conv3d.BackwardInput(g, y, new float[g.WeightLength + 1], x));
        AssertRejects("gradInput", g.InputShape, () => Conv3d.BackwardInput(g, y, w, new float[g.InputLength - 1]));
        AssertRejects("input", g.InputShape, () => Conv3d.BackwardWeight(g, new float[3], y, w, b));
        AssertRejects("gradOutput", g.OutputShape, () => Conv3d.BackwardWeight(g, x, new float[3], w, b));
        AssertRejects("gradWeight", g.WeightShape, () => Conv3d.BackwardWeight(g, x, y, new float[3], b));
        AssertRejects("gradBias", new Shape(g.OutChannels), () => Conv3d.BackwardWeight(g, x, y, w, new float[g.OutChannels + 1]));
    }

    /// <summary>The oracle itself: the reference backward is the gradient of the reference forward under a linear loss.</summary>
    [Theory]
    [MemberData(nameof(TinyCaseIndices))]
    public void ReferenceBackwardIsTheGradientOfReferenceForward(int index)
    {
        var g = TinyCases[index];
        double[] x = ToDouble(RandomValues(g.InputLength, 10)), w = ToDouble(RandomValues(g.WeightLength, 11));
        double[] b = ToDouble(RandomValues(g.OutChannels, 12)), coefficients = ToDouble(RandomValues(g.OutputLength, 13));
        double Loss(double[] input, double[] weight, double[] bias)
        {
            var output = Conv3dReference.Forward(g, input, weight, bias);
            double sum = 0;
            for (int i = 0; i < output.Length; i++) sum += output[i] * coefficients[i];
            return sum;
        }
        AssertGradient(Numerics.FiniteDifferenceGradient(v => Loss(v, w, b), x), Conv3dReference.BackwardInput(g, coefficients, w), $"input of {g}");
        AssertGradient(Numerics.FiniteDifferenceGradient(v => Loss(x, v, b), w), Conv3dReference.BackwardWeight(g, x, coefficients), $"weight of {g}");
        AssertGradient(Numerics.FiniteDifferenceGradient(v => Loss(x, w, v), b), Conv3dReference.BackwardBias(g, coefficients), $"bias of {g}");
    }

    private static readonly Conv3dGeometry[] TinyCases =
    [
        Conv3dGeometry.Create(1, 2, new Dims3(3, 4, 3), 3, new Dims3(2, 3, 2), new Dims3(1, 2, 1), new Dims3(1, 1, 0), new Dims3(1, 1, 2)),
        Conv3dGeometry.Create(2, 4, new Dims3(3, 3, 4), 2, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1), groups: 2),
        Conv3dGeometry.Create(1, 3, new Dims3(2, 5, 4), 3, new Dims3(1, 2, 2), new Dims3(1, 1, 2), new Dims3(0, 2, 1), new Dims3(1, 2, 1), groups: 3),
    ];

    public static TheoryData<int> TinyCaseIndices => [.. Enumerable.Range(0, TinyCases.Length)];

    /// <summary>
    /// Random geometries where each axis meets every (stride 1/2, padding 0/1/2, dilation 1/2) combination once,
    /// cycling through 1 group, 2 groups and depthwise, plus named shapes for every algorithm and its edge cases.
    /// </summary>
    private static Conv3dGeometry[] BuildCases()
    {
        var settings = (from s in new[] { 1, 2 } from p in new[] { 0, 1, 2 } from d in new[] { 1, 2 } select (s, p, d)).ToArray();
        var rng = new SeededRandom(2026);
        var cases = new List<Conv3dGeometry>();
        for (int i = 0; i < settings.Length; i++)
        {
            var (t, h, w) = (settings[i], settings[(i * 5 + 3) % settings.Length], settings[(i * 7 + 1) % settings.Length]);
            var kernel = new Dims3(1 + rng.NextInt(3), 1 + rng.NextInt(3), 1 + rng.NextInt(3));
            var input = new Dims3(InputSize(ref rng, kernel.T, t), InputSize(ref rng, kernel.H, h), InputSize(ref rng, kernel.W, w));
            var (cin, cout, groups) = (i % 3) switch
            {
                0 => (1 + rng.NextInt(5), 1 + rng.NextInt(6), 1),
                1 => (2 * (1 + rng.NextInt(3)), 2 * (1 + rng.NextInt(3)), 2),
                _ => (3 + rng.NextInt(18), 0, 0),
            };
            if (groups == 0) (cout, groups) = (cin, cin);
            cases.Add(Conv3dGeometry.Create(1 + rng.NextInt(2), cin, input, cout, kernel,
                new Dims3(t.s, h.s, w.s), new Dims3(t.p, h.p, w.p), new Dims3(t.d, h.d, w.d), groups));
        }
        cases.AddRange(
        [
            // pointwise GEMMs: groups 1 and 2; depthwise 1x1x1 takes the direct kernel
            Conv3dGeometry.Create(2, 16, new Dims3(5, 6, 7), 24, Dims3.Cube(1)),
            Conv3dGeometry.Create(1, 6, new Dims3(3, 4, 5), 4, Dims3.Cube(1), groups: 2),
            Conv3dGeometry.Create(1, 17, new Dims3(3, 4, 5), 17, Dims3.Cube(1), groups: 17),
            // 1x1x1 with a stride is no longer pointwise: col2im
            Conv3dGeometry.Create(1, 8, new Dims3(5, 6, 7), 8, Dims3.Cube(1), stride: Dims3.Cube(2)),
            // (k,1,1) and (1,k,k) factorised kernels
            Conv3dGeometry.Create(1, 12, new Dims3(7, 5, 6), 10, new Dims3(3, 1, 1), padding: new Dims3(1, 0, 0)),
            Conv3dGeometry.Create(2, 9, new Dims3(3, 7, 8), 11, new Dims3(1, 3, 3), new Dims3(1, 2, 2), new Dims3(0, 1, 1)),
            // padding beyond the kernel's reach: the transposed conv has negative padding
            Conv3dGeometry.Create(1, 5, new Dims3(3, 4, 5), 6, new Dims3(1, 3, 2), padding: new Dims3(2, 0, 3)),
            // col2im with wide channels, and with groups
            Conv3dGeometry.Create(1, 40, new Dims3(5, 5, 6), 24, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)),
            Conv3dGeometry.Create(1, 16, new Dims3(4, 5, 6), 8, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 4),
            Conv3dGeometry.Create(1, 16, new Dims3(5, 5, 6), 8, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1), groups: 4),
            // several pixel tiles and kernel-row chunks: transposed-conv input gradient (Cout < Cin), col2im
            // at unit stride and strided; then chunks of grouped convs
            Conv3dGeometry.Create(2, 40, new Dims3(6, 10, 11), 8, Dims3.Cube(3), padding: Dims3.Cube(1)),
            Conv3dGeometry.Create(2, 8, new Dims3(6, 10, 11), 40, Dims3.Cube(3), padding: Dims3.Cube(1)),
            Conv3dGeometry.Create(1, 40, new Dims3(9, 16, 50), 8, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1)),
            // First layers (RGB in): the direct narrow weight-gradient path, incl. an R3D-like stem and a Cout vector tail.
            Conv3dGeometry.Create(2, 3, new Dims3(6, 9, 10), 16, new Dims3(3, 7, 7), new Dims3(1, 2, 2), new Dims3(1, 3, 3)),
            Conv3dGeometry.Create(1, 1, new Dims3(4, 5, 6), 5, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1), Dims3.Cube(2)),
            Conv3dGeometry.Create(1, 4, new Dims3(5, 6, 7), 35, Dims3.Cube(3), padding: Dims3.Cube(1)),
            Conv3dGeometry.Create(1, 80, new Dims3(4, 5, 6), 6, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2),
            Conv3dGeometry.Create(1, 6, new Dims3(4, 5, 6), 80, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2),
            Conv3dGeometry.Create(1, 80, new Dims3(5, 5, 6), 6, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1), groups: 2),
            // dense unit-stride convs, whose input gradient is the forward conv of gradOutput with the flipped weight:
            // batches, odd sizes, channels off the vector width, transposed padding 2 (none), 0 (padding 2) and 3
            // (dilation 2), and the R3D-18 peer twin's layer-1 shape
            Conv3dGeometry.Create(3, 17, new Dims3(3, 5, 7), 19, Dims3.Cube(3)),
            Conv3dGeometry.Create(2, 19, new Dims3(4, 5, 3), 17, Dims3.Cube(3), padding: new Dims3(2, 1, 2)),
            Conv3dGeometry.Create(2, 9, new Dims3(5, 7, 6), 33, Dims3.Cube(3), padding: Dims3.Cube(1), dilation: new Dims3(1, 2, 2)),
            Conv3dGeometry.Create(4, 8, new Dims3(8, 16, 16), 8, Dims3.Cube(3), padding: Dims3.Cube(1)),
            // depthwise with a stride and a channel count that is not a multiple of the vector width
            Conv3dGeometry.Create(1, 35, new Dims3(5, 6, 7), 35, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1), groups: 35),
        ]);
        return [.. cases];
    }

    /// <summary>An input size the dilated kernel fits into once padded: from the smallest such size up to 3 more.</summary>
    private static int InputSize(ref SeededRandom rng, int kernel, (int Stride, int Padding, int Dilation) axis)
    {
        int span = axis.Dilation * (kernel - 1) + 1;
        return Math.Max(1, span - 2 * axis.Padding) + rng.NextInt(4);
    }

    private static void AssertRejects(string buffer, Shape expected, Action call)
    {
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal(buffer, e.ParamName);
        Assert.Contains(expected.ToString(), e.Message);
    }

    private static void AssertGradient(double[] finiteDifference, double[] analytic, string context)
    {
        double scale = Math.Max(1, analytic.Max(Math.Abs)), worst = 0;
        for (int i = 0; i < analytic.Length; i++) worst = Math.Max(worst, Math.Abs(finiteDifference[i] - analytic[i]));
        Assert.True(worst <= 1e-6 * scale, $"gradient of {context}: finite differences differ by {worst:E3} (scale {scale:E3}).");
    }

    private static float[] RandomValues(int length, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = 2 * rng.NextSingle() - 1;
        return values;
    }

    private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
