using NativeDance.Tensors;

namespace NativeDance.Tests.Core;

public class TensorTests
{
    [Fact]
    public void PermuteSliceAndContiguousAgreeWithIndexing()
    {
        using var x = Tensor.RandomNormal(new Shape(2, 3, 4, 5), seed: 1);
        using var p = x.Permute(2, 0, 3, 1);
        using var s = p.Slice(2, 1, 2, step: 2);
        using var dense = s.Contiguous();
        Assert.Equal(new Shape(4, 2, 2, 3), dense.Shape);
        for (int a = 0; a < 4; a++)
        for (int b = 0; b < 2; b++)
        for (int c = 0; c < 2; c++)
        for (int d = 0; d < 3; d++)
            Assert.Equal(x[b, d, a, 1 + 2 * c], dense[a, b, c, d]);
    }

    [Fact]
    public void ChannelsLastRoundTrip()
    {
        using var x = Tensor.RandomUniform(new Shape(2, 3, 4, 5, 6), seed: 2);
        using var cl = x.ToChannelsLast();
        Assert.Equal(new Shape(2, 4, 5, 6, 3), cl.Shape);
        Assert.Equal(x[1, 2, 3, 4, 5], cl[1, 3, 4, 5, 2]);
        using var back = cl.ToChannelsFirst();
        Assert.Equal(x.ToArray(), back.ToArray());
    }

    [Fact]
    public void BroadcastingAddMatchesLoops()
    {
        using var a = Tensor.RandomNormal(new Shape(3, 1, 5), seed: 3);
        using var b = Tensor.RandomNormal(new Shape(4, 1), seed: 4);
        using var c = a + b;
        Assert.Equal(new Shape(3, 4, 5), c.Shape);
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
        for (int k = 0; k < 5; k++)
            Assert.Equal(a[i, 0, k] + b[j, 0], c[i, j, k]);
    }

    [Fact]
    public void ReductionsAlongAxesMatchLoops()
    {
        using var x = Tensor.RandomNormal(new Shape(3, 4, 5), seed: 5);
        using var sum = x.Sum(1);
        using var max = x.Max(2, keepDim: true);
        using var variance = x.Variance(0);
        for (int i = 0; i < 3; i++)
        for (int k = 0; k < 5; k++)
        {
            double s = 0;
            for (int j = 0; j < 4; j++) s += x[i, j, k];
            Assert.Equal(s, sum[i, k], 5);
        }
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
        {
            float m = float.MinValue;
            for (int k = 0; k < 5; k++) m = Math.Max(m, x[i, j, k]);
            Assert.Equal(m, max[i, j, 0]);
        }
        for (int j = 0; j < 4; j++)
        for (int k = 0; k < 5; k++)
        {
            double mean = 0, sq = 0;
            for (int i = 0; i < 3; i++) mean += x[i, j, k] / 3.0;
            for (int i = 0; i < 3; i++) sq += Math.Pow(x[i, j, k] - mean, 2) / 3.0;
            Assert.Equal(sq, variance[j, k], 5);
        }
    }

    [Fact]
    public void MismatchedShapesNameBothShapes()
    {
        using var a = Tensor.Zeros(new Shape(2, 3));
        using var b = Tensor.Zeros(new Shape(4, 3));
        var e = Assert.Throws<ArgumentException>(() => a + b);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
    }

    [Fact]
    public void SeededRandomIsReproducible()
    {
        using var a = Tensor.RandomNormal(new Shape(100), seed: 42);
        using var b = Tensor.RandomNormal(new Shape(100), seed: 42);
        using var c = Tensor.RandomNormal(new Shape(100), seed: 43);
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), c.ToArray());
    }

    [Fact]
    public void StorageIsAlignedAndDisposedTensorsRefuseAccess()
    {
        var x = Tensor.Zeros(new Shape(7, 3));
        unsafe { Assert.Equal(0, (long)x.Pointer % NativeBufferPool.Alignment); }
        var view = x.Reshape(21);
        x.Dispose();
        Assert.Equal(0f, view[20]);
        view.Dispose();
        Assert.Throws<ObjectDisposedException>(() => view[0]);
    }
}

public class TensorViewTests
{
    [Fact]
    public void ReshapeInfersOneDimensionAndRejectsBadCounts()
    {
        using var x = Tensor.RandomNormal(new Shape(2, 3, 4), seed: 1);
        using var r = x.Reshape(4, -1);
        Assert.Equal(new Shape(4, 6), r.Shape);
        Assert.Equal(x.ToArray(), r.ToArray());
        var e = Assert.Throws<ArgumentException>(() => x.Reshape(5, -1));
        Assert.Contains("[2, 3, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1));
    }

    [Fact]
    public void ReshapeOfANonContiguousViewCopies()
    {
        using var x = Tensor.RandomNormal(new Shape(3, 4), seed: 2);
        using var t = x.Permute(1, 0);
        Assert.False(t.IsContiguous);
        using var flat = t.Reshape(12);
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            Assert.Equal(x[j, i], flat[i * 3 + j]);
    }

    [Fact]
    public void SqueezeAndUnsqueezeAreInverse()
    {
        using var x = Tensor.RandomNormal(new Shape(3, 1, 4), seed: 3);
        using var s = x.Squeeze(1);
        Assert.Equal(new Shape(3, 4), s.Shape);
        using var u = s.Unsqueeze(-1);
        Assert.Equal(new Shape(3, 4, 1), u.Shape);
        Assert.Equal(x.ToArray(), u.ToArray());
        Assert.Throws<ArgumentException>(() => x.Squeeze(0));
    }

    [Fact]
    public void InvalidSlicesAndPermutationsNameTheirValues()
    {
        using var x = Tensor.Zeros(new Shape(5, 6));
        var slice = Assert.Throws<ArgumentException>(() => x.Slice(1, 4, 2, step: 2));
        Assert.Contains("start 4", slice.Message);
        var perm = Assert.Throws<ArgumentException>(() => x.Permute(0, 0));
        Assert.Contains("[0, 0]", perm.Message);
        Assert.Throws<ArgumentException>(() => new Shape(2, -1));
    }

    [Fact]
    public void ConvWeightLayoutRoundTrips()
    {
        using var torch = Tensor.RandomNormal(new Shape(8, 3, 3, 1, 2), seed: 4); // Cout, Cin, kT, kH, kW
        using var ours = torch.ConvWeightFromTorch();
        Assert.Equal(new Shape(3, 1, 2, 3, 8), ours.Shape);
        Assert.Equal(torch[5, 2, 1, 0, 1], ours[1, 0, 1, 2, 5]);
        using var back = ours.ConvWeightToTorch();
        Assert.Equal(torch.ToArray(), back.ToArray());
    }

    [Fact]
    public void UnaryMapsUseEveryElement()
    {
        using var x = Tensor.FromData(new Shape(2, 2), [-1f, 0f, 2f, -3f]);
        using var relu = x.Relu();
        using var abs = x.Abs();
        using var scaled = x * 2f;
        Assert.Equal([0f, 0f, 2f, 0f], relu.ToArray());
        Assert.Equal([1f, 0f, 2f, 3f], abs.ToArray());
        Assert.Equal([-2f, 0f, 4f, -6f], scaled.ToArray());
        using var mean = x.Mean();
        Assert.Equal(-0.5f, mean.Item());
    }
}
