using System.Runtime.CompilerServices;
using NativeDance.Cuda;
using NativeDance.Cuda.Kernels.Conv;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Cuda.Kernels;

/// <summary>The host side of the conv3d PTX entries: tile and split choice, launch shapes, workspace, argument structs.</summary>
public class Conv3dLaunchPlanTests
{
    private const int H200Multiprocessors = 132;

    [Fact]
    public void LargeOutputsTakeTheLargestTileTheirChannelsFill()
    {
        // C3D conv3a at batch 8: 8 x 8 x 28 x 28 positions, 128 -> 256 channels.
        var conv3 = Conv3dGeometry.Create(8, 128, new Dims3(8, 28, 28), 256, Dims3.Cube(3), padding: Dims3.Cube(1));
        var plan = Conv3dLaunchPlan.Choose(conv3, H200Multiprocessors, masked: false);

        Assert.Same(Conv3dTile.Large, plan.Tile);
        Assert.Equal(1, plan.Splits);
        Assert.Equal(0, plan.WorkspaceBytes);
        Assert.Equal("conv3d_fwd_128x128", plan.Entry);
        Assert.Equal("conv3d_forward", plan.Module);
        Assert.Equal(new LaunchShape(new Dim3(8 * 8 * 28 * 28 / 128, 2, 1), new Dim3(256)), plan.Conv);

        // R3D-18 layer 1 at batch 8: as many positions, but 64 channels would leave half of a 128-wide tile empty.
        var layer1 = Conv3dGeometry.Create(8, 64, new Dims3(16, 56, 56), 64, Dims3.Cube(3), padding: Dims3.Cube(1));
        Assert.Same(Conv3dTile.Medium, Conv3dLaunchPlan.Choose(layer1, H200Multiprocessors, masked: true).Tile);
    }

    [Fact]
    public void SmallOutputsSplitKUntilTheGpuIsFull()
    {
        // R3D-18 layer 4 at batch 1: 2 x 7 x 7 positions, 512 -> 512 channels, K = 27 x 512.
        var g = Conv3dGeometry.Create(1, 512, new Dims3(2, 7, 7), 512, Dims3.Cube(3), padding: Dims3.Cube(1));
        var plan = Conv3dLaunchPlan.Choose(g, H200Multiprocessors, masked: true);

        Assert.Same(Conv3dTile.Small, plan.Tile);
        long tiles = (98 + 31) / 32 * (512 / 32);
        Assert.Equal((int)((Conv3dTile.Small.BlocksPerMultiprocessor * (long)H200Multiprocessors + tiles - 1) / tiles), plan.Splits);
        Assert.Equal((long)plan.Splits * 98 * 512 * sizeof(float), plan.WorkspaceBytes);
        Assert.Equal("conv3d_masked_32x32", plan.Entry);
        Assert.Equal(new Dim3(4, 16, (uint)plan.Splits), plan.Conv.Grid);
        Assert.Equal(new LaunchShape(new Dim3((98 * 512 + 255) / 256), new Dim3(256)), plan.Reduce);
    }

    /// <summary>Every engine-core layer at batch 1 and 8, dense and masked: a plan that gives every SM a block, splits
    /// only small tiles, and leaves each split a reduction of at least 16 steps.</summary>
    [Fact]
    public void EveryCatalogLayerGetsAPlanThatFillsTheGpu()
    {
        foreach (var layer in Conv3dLayerCatalog.All)
        foreach (int batch in new[] { 1, 8 })
        foreach (bool masked in new[] { false, true })
        {
            var l = layer.Geometry;
            var g = Conv3dGeometry.Create(batch, l.InChannels, l.Input, l.OutChannels, l.Kernel, l.Stride, l.Padding, l.Dilation);
            var plan = Conv3dLaunchPlan.Choose(g, H200Multiprocessors, masked);
            string context = $"{layer.Name} N={batch}: {plan}";

            Assert.True(plan.Conv.Grid.Count >= H200Multiprocessors, context);
            Assert.Equal((uint)plan.Tile.Threads, plan.Conv.Block.X);
            if (plan.Splits > 1)
            {
                Assert.Same(Conv3dTile.Small, plan.Tile);
                long steps = g.Kernel.Volume * ((g.InChannels + plan.Tile.ChannelsPerStep - 1) / plan.Tile.ChannelsPerStep);
                Assert.True(steps / plan.Splits >= 16, context);
            }
        }
    }

    [Fact]
    public void ShortReductionsAreNotSplit()
    {
        // One small tile and four K steps: splitting would only add the workspace round trip.
        var g = Conv3dGeometry.Create(1, 16, new Dims3(1, 4, 4), 8, Dims3.Cube(1));
        var plan = Conv3dLaunchPlan.Choose(g, H200Multiprocessors, masked: false);

        Assert.Same(Conv3dTile.Small, plan.Tile);
        Assert.Equal(1, plan.Splits);
    }

    [Fact]
    public void ArgumentStructsMatchTheEntriesParameters()
    {
        var forward = Conv3dKernelRunner.Load("conv3d_forward");
        var masked = Conv3dKernelRunner.Load("conv3d_masked");
        foreach (var tile in Conv3dTile.All)
        {
            Assert.Equal(Unsafe.SizeOf<Conv3dForwardArgs>(), forward.Kernel("conv3d_fwd_" + tile.Name).ParameterBytes);
            Assert.Equal(Unsafe.SizeOf<Conv3dMaskedArgs>(), masked.Kernel("conv3d_masked_" + tile.Name).ParameterBytes);
        }
        Assert.Equal(Unsafe.SizeOf<Conv3dSplitKReduceArgs>(), forward.Kernel(Conv3dLaunchPlan.ReduceEntry).ParameterBytes);
    }

    [Fact]
    public void UnsupportedGeometriesAndPlansAreRejected()
    {
        var grouped = Conv3dGeometry.Create(1, 8, new Dims3(4, 4, 4), 8, Dims3.Cube(3), groups: 2);
        Assert.Contains("groups = 1", Assert.Throws<ArgumentException>(() => Conv3dLaunchPlan.Choose(grouped, 10, masked: false)).Message);

        var longClip = Conv3dGeometry.Create(1, 2, new Dims3(1025, 1, 1), 2, Dims3.Cube(1));
        Assert.Contains("1025", Assert.Throws<ArgumentException>(() => Conv3dLaunchPlan.Create(longClip, Conv3dTile.Small, 1, masked: true)).Message);
        Assert.Equal(1, Conv3dLaunchPlan.Create(longClip, Conv3dTile.Small, 1, masked: false).Splits);

        var g = Conv3dGeometry.Create(1, 8, new Dims3(4, 4, 4), 8, Dims3.Cube(3));
        Assert.Contains("33", Assert.Throws<ArgumentException>(() => Conv3dLaunchPlan.Create(g, Conv3dTile.Large, 33, masked: false)).Message);
        Assert.Contains("0", Assert.Throws<ArgumentException>(() => Conv3dLaunchPlan.Create(g, Conv3dTile.Large, 0, masked: false)).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => Conv3dLaunchPlan.Choose(g, -1, masked: false)).Message);

        var huge = Conv3dGeometry.Create(1, 1, new Dims3(1024, 1024, 256), 4, Dims3.Cube(1));
        Assert.Contains("32-bit", Assert.Throws<ArgumentException>(() => Conv3dLaunchPlan.Create(huge, Conv3dTile.Large, 2, masked: false)).Message);
    }

    [Fact]
    public void ArgumentsFollowThePlan()
    {
        var g = Conv3dGeometry.Create(2, 3, new Dims3(5, 6, 7), 4, new Dims3(3, 1, 3), new Dims3(2, 1, 1), new Dims3(1, 0, 2), new Dims3(1, 1, 2));
        var split = Conv3dLaunchPlan.Create(g, Conv3dTile.Small, 2, masked: false);
        var single = Conv3dLaunchPlan.Create(g, Conv3dTile.Small, 1, masked: true);

        var args = split.ForwardArgs(1, 2, 3, 4, 5, relu: true);
        Assert.Equal((1UL, 2UL, 3UL, 4UL, 5UL, 1u), (args.Input, args.Weight, args.Bias, args.Output, args.Workspace, args.Relu));
        Assert.Equal(2 * 3 * 6 * 7, args.Shape.Rows);
        Assert.Equal((3, 4, 2, 2), (args.Shape.InChannels, args.Shape.OutChannels, args.Shape.PadW, args.Shape.DilationW));
        var reduce = split.ReduceArgs(5, 3, 4, relu: false);
        Assert.Equal((g.OutputLength, 4, 2, 0u), (reduce.Elements, reduce.OutChannels, reduce.Splits, reduce.Relu));

        Assert.Throws<ArgumentException>(() => split.ForwardArgs(1, 2, 3, 4, 0, relu: true));
        Assert.Throws<ArgumentException>(() => single.MaskedArgs(1, 2, 3, 4, 5, new Conv3dDeviceMask(6, 7, 8, 9), 0, relu: true));
        Assert.Throws<InvalidOperationException>(() => single.ForwardArgs(1, 2, 3, 4, 0, relu: true));
        Assert.Throws<InvalidOperationException>(() => single.ReduceArgs(5, 3, 4, relu: true));
    }
}
