using NativeDance.Tensors.Conv;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Conv;

public class ReusableInputMaskTests
{
    [Fact]
    public void ARefilledMaskComputesWhatACreatedOneDoesWithoutAllocating()
    {
        var g = Conv3dGeometry.Create(1, 12, new Dims3(5, 6, 7), 9, Dims3.Cube(3), padding: Dims3.Cube(1));
        var (x, w, b) = SparseOperands.Create(g, 0.6, hasBias: true, new Random(3));
        var reusable = Conv3dInputMask.CreateReusable(maxFrames: 8, maxChannels: 16);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], reusable.KeptFrames);
        int[][] frameSets = [[0, 2, 3], [1], [0, 1, 2, 3, 4], []];
        int[][] channelSets = [[1, 4, 5, 9, 11], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [7], []];
        var expected = new float[g.OutputLength];
        var actual = new float[g.OutputLength];
        for (int i = 0; i < frameSets.Length; i++)
        {
            reusable.Refill(frameSets[i], channelSets[i]);
            Assert.Equal(frameSets[i], reusable.KeptFrames);
            Assert.Equal(channelSets[i], reusable.KeptChannels);
            Conv3d.Forward(g, x, w, b, expected, Conv3dInputMask.Create(g, frameSets[i], channelSets[i]));
            Conv3d.Forward(g, x, w, b, actual, reusable);
            Numerics.AssertClose(actual, expected, 0, $"mask {i}");
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < frameSets.Length; i++) reusable.Refill(frameSets[i], channelSets[i]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RefillValidatesLikeCreateAndKeepsTheLastGoodLists()
    {
        var reusable = Conv3dInputMask.CreateReusable(4, 6);
        reusable.Refill([1, 2], [0, 5]);
        var e = Assert.Throws<ArgumentException>(() => reusable.Refill([0, 4], [1]));
        Assert.Contains("index 4 at position 1 is out of range [0, 4)", e.Message);
        e = Assert.Throws<ArgumentException>(() => reusable.Refill([0], [3, 3]));
        Assert.Contains("3 is followed by 3", e.Message);
        Assert.Equal([1, 2], reusable.KeptFrames);
        Assert.Equal([0, 5], reusable.KeptChannels);
        var fixedMask = Conv3dInputMask.Create(Conv3dGeometry.Create(1, 6, new Dims3(4, 4, 4), 2, Dims3.Cube(1)), null, null);
        Assert.Throws<InvalidOperationException>(() => fixedMask.Refill([0], [0]));
        var small = Conv3dGeometry.Create(1, 4, new Dims3(2, 4, 4), 2, Dims3.Cube(1));
        e = Assert.Throws<ArgumentException>(() => reusable.RequireFits(small));
        Assert.Contains("channels up to 5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv3dInputMask.CreateReusable(0, 3));
    }
}
