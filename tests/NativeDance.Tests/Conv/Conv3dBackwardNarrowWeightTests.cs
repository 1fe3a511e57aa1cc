using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

/// <summary>
/// The direct weight gradient for narrow convs against the double reference, called directly (not through the
/// dispatch) at every SIMD width and at one and three threads: tiles of one and two vectors, the scalar Cout tail,
/// partial row tiles and groups, strides, paddings wider than the kernel's reach and dilations along T and H.
/// </summary>
[Collection(nameof(KernelSettings))]
public class Conv3dBackwardNarrowWeightTests
{
    private const double Tolerance = 1e-9;

    private static readonly Conv3dGeometry[] Cases =
    [
        // the tiny C3D's stem (3 -> 16, stride (1,2,2)) and its narrow stages, at reduced batch and size
        Conv3dGeometry.Create(2, 3, new Dims3(4, 10, 12), 16, Dims3.Cube(3), new Dims3(1, 2, 2), Dims3.Cube(1)),
        Conv3dGeometry.Create(1, 16, new Dims3(4, 6, 7), 32, Dims3.Cube(3), padding: Dims3.Cube(1)),
        Conv3dGeometry.Create(1, 32, new Dims3(3, 4, 5), 64, Dims3.Cube(3), padding: Dims3.Cube(1)),
        // an R3D-like 7x7 stem: 21 gradient rows per tap, two row tiles
        Conv3dGeometry.Create(1, 3, new Dims3(5, 9, 10), 16, new Dims3(3, 7, 7), new Dims3(1, 2, 2), new Dims3(1, 3, 3)),
        // Cout that leaves one vector and a scalar tail; a single input channel; dilation in T and H; no padding
        Conv3dGeometry.Create(1, 4, new Dims3(5, 6, 7), 35, Dims3.Cube(3), padding: Dims3.Cube(1)),
        Conv3dGeometry.Create(2, 1, new Dims3(6, 7, 5), 5, Dims3.Cube(3), Dims3.Cube(2), Dims3.Cube(1), new Dims3(2, 2, 1)),
        Conv3dGeometry.Create(1, 5, new Dims3(4, 5, 9), 24, new Dims3(2, 3, 2)),
        // padding beyond the kernel's reach and uneven strides; frames split into two row groups; a row whose dY alone
        // exceeds a group's budget (groups of one row)
        Conv3dGeometry.Create(1, 6, new Dims3(3, 4, 5), 8, new Dims3(1, 3, 2), new Dims3(2, 1, 3), new Dims3(2, 0, 3)),
        Conv3dGeometry.Create(1, 8, new Dims3(2, 40, 70), 40, new Dims3(1, 3, 3), padding: new Dims3(0, 1, 1)),
        Conv3dGeometry.Create(1, 8, new Dims3(2, 3, 600), 128, new Dims3(1, 3, 3), padding: new Dims3(0, 1, 1)),
        // the widest taken: 128 x 128 (R3D-18 layer2), at a small size
        Conv3dGeometry.Create(1, 128, new Dims3(2, 3, 5), 128, Dims3.Cube(3), padding: Dims3.Cube(1)),
    ];

    public static TheoryData<string, int, int> Settings()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var width in KernelSettings.Widths().Select(w => w.ToString()))
        foreach (int threads in new[] { 1, 3 })
            for (int index = 0; index < Cases.Length; index++) data.Add(width, threads, index);
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void WeightGradientMatchesReference(string width, int threads, int index)
    {
        var g = Cases[index];
        Assert.True(Conv3dBackwardNarrowWeight.Applies(g), $"{g} should take the narrow path");
        float[] input = RandomValues(g.InputLength, 500 + (ulong)index), gradOutput = RandomValues(g.OutputLength, 600 + (ulong)index);
        var gradWeight = new GuardedBuffer(g.WeightLength);
        KernelSettings.Run(width, threads, () => Conv3dBackwardNarrowWeight.Weight(g, input, gradOutput, gradWeight.Span));
        gradWeight.AssertGuardIntact($"gradWeight of {g}");
        Numerics.AssertClose(gradWeight.Span, Conv3dReference.BackwardWeight(g, ToDouble(input), ToDouble(gradOutput)), Tolerance,
            $"gradWeight of {g} ({width}, {threads} threads)");
    }

    [Fact]
    public void WideGroupedOrWDilatedConvsAreLeftToTheGemmPath()
    {
        Assert.False(Conv3dBackwardNarrowWeight.Applies(Conv3dGeometry.Create(1, 256, new Dims3(3, 4, 5), 128, Dims3.Cube(3), padding: Dims3.Cube(1))));
        Assert.False(Conv3dBackwardNarrowWeight.Applies(Conv3dGeometry.Create(1, 8, new Dims3(3, 4, 5), 8, Dims3.Cube(3), padding: Dims3.Cube(1), groups: 2)));
        Assert.False(Conv3dBackwardNarrowWeight.Applies(Conv3dGeometry.Create(1, 8, new Dims3(3, 4, 5), 8, Dims3.Cube(3), dilation: new Dims3(1, 1, 2))));
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
