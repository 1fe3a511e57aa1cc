using NativeDance.Cuda.Kernels.Conv;
using NativeDance.Tensors.Conv;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>The dense conv3d PTX entries, run through the PTX interpreter, against the engine's CPU conv.</summary>
public class Conv3dForwardKernelTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Odd sizes, strides 1 and 2, paddings 0/1/2, dilation 2, kernels (3,3,3), (1,1,1), (3,1,1), (1,3,3),
    /// channel counts that are not multiples of a tile, with and without bias and ReLU, on both tile configurations and
    /// with split-K (including more splits than K steps, so a split with nothing to sum writes zeros); the 2 x 9 x 9 case
    /// fills every row and column of the 128 x 128 micro-tiles and has partial tiles after them in both directions.</summary>
    [Theory]
    [InlineData(1, 3, 4, 6, 6, 5, "333", "111", "111", "111", "64x64", 1, true, true)]
    [InlineData(1, 3, 4, 6, 6, 5, "333", "111", "111", "111", "32x32", 1, false, true)]
    [InlineData(1, 5, 5, 7, 6, 17, "333", "222", "222", "111", "32x32", 1, true, true)]
    [InlineData(1, 3, 4, 7, 7, 33, "333", "111", "222", "222", "64x64", 1, false, false)]
    [InlineData(2, 17, 3, 5, 4, 70, "111", "111", "000", "111", "64x64", 1, true, true)]
    [InlineData(1, 5, 5, 4, 5, 17, "311", "211", "100", "111", "32x32", 1, false, true)]
    [InlineData(1, 33, 2, 6, 5, 5, "133", "122", "011", "111", "64x64", 1, true, false)]
    [InlineData(1, 5, 3, 5, 6, 33, "333", "121", "111", "111", "128x128", 1, true, true)]
    [InlineData(2, 3, 3, 4, 3, 5, "313", "111", "202", "212", "128x128", 2, false, false)]
    [InlineData(1, 17, 2, 9, 9, 130, "133", "111", "011", "111", "128x128", 1, true, true)]
    [InlineData(1, 17, 3, 4, 4, 17, "333", "111", "111", "111", "64x64", 3, true, true)]
    [InlineData(1, 5, 4, 5, 5, 33, "333", "222", "111", "111", "32x32", 4, false, true)]
    [InlineData(1, 3, 2, 3, 3, 5, "111", "111", "000", "111", "32x32", 2, true, true)]
    public void MatchesCpuConv(int batch, int inChannels, int t, int h, int w, int outChannels, string kernel, string stride,
        string padding, string dilation, string tile, int splits, bool relu, bool hasBias)
    {
        var g = Conv3dGeometry.Create(batch, inChannels, new Dims3(t, h, w), outChannels, Dims(kernel),
            Dims(stride), Dims(padding), Dims(dilation));
        var plan = Conv3dLaunchPlan.Create(g, Conv3dKernelRunner.Tile(tile), splits, masked: false);
        var op = Conv3dOperands.Random(g, new Random(batch * 1000 + inChannels * 31 + outChannels), hasBias);

        var result = Conv3dKernelRunner.Run(plan, op, relu);

        Numerics.AssertClose(result.Output, op.Reference(relu), Tolerance, $"{plan} {g} relu={relu} bias={hasBias}");
    }

    /// <summary>"312" is (3, 1, 2) along (T, H, W).</summary>
    internal static Dims3 Dims(string digits) => new(digits[0] - '0', digits[1] - '0', digits[2] - '0');
}
