using NativeDance.Cuda.Kernels.Conv;
using NativeDance.Tensors.Conv;
using NativeDance.Tests.Conv;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>
/// The masked (gated) conv3d PTX entries, run through the PTX interpreter, against the engine's CPU masked conv, and
/// their executed-MAC counter against the count their header documents (<see cref="DocumentedExecutedMacs"/>).
/// </summary>
public class Conv3dMaskedKernelTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Random small geometries and random masks (sometimes nothing or everything kept along an axis) on both
    /// tiles, with and without ReLU, split and not: the output is the CPU's; on a dense input no tile is all zero, so the
    /// counter is exactly the compacted problem's MACs.</summary>
    [Theory]
    [InlineData("64x64", 1, 1)]
    [InlineData("32x32", 1, 2)]
    [InlineData("32x32", 3, 3)]
    [InlineData("64x64", 2, 4)]
    [InlineData("128x128", 1, 5)]
    public void RandomMasksMatchCpuAndCountCompactedMacs(string tile, int splits, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 3; trial++)
        {
            var g = RandomGeometry(random);
            var mask = SparseOperands.RandomMask(g, random);
            var op = Conv3dOperands.Random(g, random, hasBias: random.Next(4) > 0);
            bool relu = random.Next(2) == 0;
            var plan = Conv3dLaunchPlan.Create(g, Conv3dKernelRunner.Tile(tile), splits, masked: true);
            string context = $"{plan} {g} {SparseOperands.Describe(mask)} relu={relu}";

            var result = Conv3dKernelRunner.Run(plan, op, relu, mask);

            Numerics.AssertClose(result.Output, op.Reference(relu, mask), Tolerance, context);
            Assert.Equal(GatedConvCost.DenseCompacted(g, mask).Macs, (long)result.ExecutedMacs);
            Assert.Equal(DocumentedExecutedMacs(plan, op, mask), (long)result.ExecutedMacs);
        }
    }

    /// <summary>No kept channel, no kept frame, or an all-zero input: every output is act(bias) and nothing is counted.</summary>
    [Theory]
    [InlineData("no channels", "64x64")]
    [InlineData("no frames", "32x32")]
    [InlineData("zero input", "64x64")]
    [InlineData("zero input", "32x32")]
    [InlineData("zero input", "128x128")]
    public void NothingToComputeGivesBiasAndCountsNothing(string what, string tile)
    {
        var g = Conv3dGeometry.Create(1, 5, new Dims3(4, 6, 6), 17, Dims3.Cube(3), padding: Dims3.Cube(1));
        var op = Conv3dOperands.Random(g, new Random(7), zeroFraction: what == "zero input" ? 1 : 0);
        var mask = what switch
        {
            "no channels" => Conv3dInputMask.Create(g, null, []),
            "no frames" => Conv3dInputMask.Create(g, [], null),
            _ => Conv3dInputMask.Create(g, [0, 2, 3], [1, 2, 4]),
        };
        foreach (bool relu in new[] { false, true })
        {
            var result = Conv3dKernelRunner.Run(Conv3dLaunchPlan.Create(g, Conv3dKernelRunner.Tile(tile), 1, masked: true), op, relu, mask);

            Numerics.AssertClose(result.Output, op.Reference(relu, mask), Tolerance, $"{what} {tile} relu={relu}");
            Assert.Equal(0UL, result.ExecutedMacs);
        }
    }

    /// <summary>One kept frame: only output frames whose window holds it see the input; the others get the bias.</summary>
    [Theory]
    [InlineData("64x64", 0)]
    [InlineData("32x32", 2)]
    public void SingleKeptFrame(string tile, int frame)
    {
        var g = Conv3dGeometry.Create(1, 6, new Dims3(4, 5, 6), 9, Dims3.Cube(3), stride: new Dims3(1, 2, 1), padding: Dims3.Cube(1));
        var op = Conv3dOperands.Random(g, new Random(frame + 3));
        var mask = Conv3dInputMask.Create(g, [frame], [0, 3, 4, 5]);
        var plan = Conv3dLaunchPlan.Create(g, Conv3dKernelRunner.Tile(tile), 1, masked: true);

        var result = Conv3dKernelRunner.Run(plan, op, relu: true, mask);

        Numerics.AssertClose(result.Output, op.Reference(relu: true, mask), Tolerance, $"{plan} frame {frame}");
        Assert.Equal(GatedConvCost.DenseCompacted(g, mask).Macs, (long)result.ExecutedMacs);
    }

    /// <summary>Inputs with all-zero stretches (whole frames, and half of every frame) and scattered zeros: the skipped
    /// tiles change nothing in the output, the counter is the documented count, below the compacted problem's MACs (so
    /// tiles were in fact skipped) and not below the non-zeros' MACs. Split-K counts the same as one split.</summary>
    [Theory]
    [InlineData("64x64", 1)]
    [InlineData("32x32", 1)]
    [InlineData("32x32", 3)]
    [InlineData("128x128", 2)]
    public void AllZeroTilesAreSkippedAndNotCounted(string tile, int splits)
    {
        var g = Conv3dGeometry.Create(1, 6, new Dims3(5, 6, 6), 7, new Dims3(3, 1, 3), padding: new Dims3(1, 0, 1));
        var op = Conv3dOperands.Random(g, new Random(splits), zeroFraction: 0.3);
        int frame = g.Input.H * g.Input.W * g.InChannels;
        op.Input.AsSpan(0, 2 * frame).Clear();
        for (int t = 2; t < g.Input.T; t++) op.Input.AsSpan(t * frame, frame / 2).Clear();
        var mask = Conv3dInputMask.Create(g, [0, 1, 3, 4], [0, 1, 2, 4, 5]);
        var plan = Conv3dLaunchPlan.Create(g, Conv3dKernelRunner.Tile(tile), splits, masked: true);

        var result = Conv3dKernelRunner.Run(plan, op, relu: false, mask);

        Numerics.AssertClose(result.Output, op.Reference(relu: false, mask), Tolerance, plan.ToString());
        long documented = DocumentedExecutedMacs(plan, op, mask);
        Assert.Equal(documented, (long)result.ExecutedMacs);
        Assert.InRange(documented, GatedConvCost.SparseInput(g, mask, op.Input).Macs, GatedConvCost.DenseCompacted(g, mask).Macs - 1);
    }

    /// <summary>A masked 128 x 128 tile with every row and column of its 8 x 8 micro-tiles in use, partial tiles after it.</summary>
    [Fact]
    public void LargeTileFullAndPartial()
    {
        var g = Conv3dGeometry.Create(1, 9, new Dims3(3, 9, 9), 130, new Dims3(1, 3, 3), padding: new Dims3(0, 1, 1));
        var op = Conv3dOperands.Random(g, new Random(12));
        var mask = Conv3dInputMask.Create(g, [0, 2], [0, 1, 3, 4, 5, 8]);
        var plan = Conv3dLaunchPlan.Create(g, Conv3dTile.Large, 1, masked: true);

        var result = Conv3dKernelRunner.Run(plan, op, relu: true, mask);

        Numerics.AssertClose(result.Output, op.Reference(relu: true, mask), Tolerance, plan.ToString());
        Assert.Equal(GatedConvCost.DenseCompacted(g, mask).Macs, (long)result.ExecutedMacs);
    }

    /// <summary>Counter address 0: the same output, and no write anywhere (the interpreter faults on address 0).</summary>
    [Theory]
    [InlineData("64x64", 1)]
    [InlineData("32x32", 2)]
    public void CounterIsOptional(string tile, int splits)
    {
        var g = Conv3dGeometry.Create(2, 7, new Dims3(3, 4, 5), 6, Dims3.Cube(3), padding: Dims3.Cube(1));
        var op = Conv3dOperands.Random(g, new Random(splits), hasBias: false, zeroFraction: 0.5);
        var mask = Conv3dInputMask.Create(g, [0, 2], [1, 2, 3, 6]);
        var plan = Conv3dLaunchPlan.Create(g, Conv3dKernelRunner.Tile(tile), splits, masked: true);

        var result = Conv3dKernelRunner.Run(plan, op, relu: true, mask, countMacs: false);

        Numerics.AssertClose(result.Output, op.Reference(relu: true, mask), Tolerance, plan.ToString());
    }

    /// <summary>Counts above T and Cin (a corrupt device-side mask) are read as T and Cin: no read past the lists.</summary>
    [Fact]
    public void OverstatedCountsAreClamped()
    {
        var g = Conv3dGeometry.Create(1, 3, new Dims3(3, 4, 4), 5, Dims3.Cube(3), padding: Dims3.Cube(1));
        var op = Conv3dOperands.Random(g, new Random(9));
        var mask = Conv3dInputMask.All(g);
        var plan = Conv3dLaunchPlan.Create(g, Conv3dTile.Small, 1, masked: true);

        var result = Conv3dKernelRunner.Run(plan, op, relu: false, mask, countExcess: 3);

        Numerics.AssertClose(result.Output, op.Reference(relu: false), Tolerance, plan.ToString());
        Assert.Equal(GatedConvCost.DenseCompacted(g, mask).Macs, (long)result.ExecutedMacs);
    }

    /// <summary>
    /// The count the masked entries' header documents, from the plan's tiling alone: per block of tile.Rows output
    /// positions and per K step (a tap and tile.ChannelsPerStep kept channels), when any staged value is non-zero, the real
    /// input elements staged (tap inside the input on a kept frame) times Cout (summed over the column tiles).
    /// </summary>
    internal static long DocumentedExecutedMacs(Conv3dLaunchPlan plan, Conv3dOperands op, Conv3dInputMask mask)
    {
        var g = plan.Geometry;
        var frameKept = Conv3dReference.KeptFlags(g.Input.T, mask.KeptFrames);
        int[] channels = mask.KeptChannels;
        int rows = g.Batch * (int)g.Output.Volume, step = plan.Tile.ChannelsPerStep;
        long macs = 0;
        for (int first = 0; first < rows; first += plan.Tile.Rows)
        for (int kt = 0; kt < g.Kernel.T; kt++)
        for (int kh = 0; kh < g.Kernel.H; kh++)
        for (int kw = 0; kw < g.Kernel.W; kw++)
        for (int c0 = 0; c0 < channels.Length; c0 += step)
        {
            long staged = 0;
            bool nonZero = false;
            for (int m = first; m < Math.Min(first + plan.Tile.Rows, rows); m++)
            {
                int ow = m % g.Output.W, oh = m / g.Output.W % g.Output.H, ot = m / g.Output.W / g.Output.H % g.Output.T;
                int n = m / g.Output.W / g.Output.H / g.Output.T;
                if (!Conv3dReference.InputIndex(g, n, ot, oh, ow, kt, kh, kw, out int pixel, out int it) || !frameKept[it]) continue;
                for (int c = c0; c < Math.Min(c0 + step, channels.Length); c++)
                {
                    staged++;
                    nonZero |= op.Input[pixel + channels[c]] != 0;
                }
            }
            if (nonZero) macs += staged * g.OutChannels;
        }
        return macs;
    }

    /// <summary>Batch 1-2, sizes 1-5 (kernel 1-3, stride 1-2, padding 0-2, dilation 1-2 per axis, retried until valid), Cin 1-9, Cout 1-40.</summary>
    private static Conv3dGeometry RandomGeometry(Random random)
    {
        while (true)
        {
            var size = Draw(1, 6);
            var kernel = Draw(1, 4);
            var stride = Draw(1, 3);
            var pad = Draw(0, 3);
            var dilation = Draw(1, 3);
            bool fits = (kernel.T - 1) * dilation.T + 1 <= size.T + 2 * pad.T && (kernel.H - 1) * dilation.H + 1 <= size.H + 2 * pad.H
                && (kernel.W - 1) * dilation.W + 1 <= size.W + 2 * pad.W;
            if (fits)
                return Conv3dGeometry.Create(random.Next(1, 3), random.Next(1, 10), size, random.Next(1, 41), kernel, stride, pad, dilation);
        }

        Dims3 Draw(int min, int max) => new(random.Next(min, max), random.Next(min, max), random.Next(min, max));
    }
}
