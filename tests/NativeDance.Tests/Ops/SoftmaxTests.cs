using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class SoftmaxTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 101)]
    [InlineData(2, 1000)]
    public void ForwardMatchesReferenceAndRowsSumToOne(int rows, int length)
    {
        // Logits far from zero: an unshifted exp would overflow.
        var x = OpsTestData.Normal(rows * length, (ulong)length, mean: 500f, std: 20f);
        var y = new GuardedBuffer(x.Length);
        Softmax.Forward(x, y.Span, length);
        y.AssertGuardIntact($"{rows}x{length}");
        Numerics.AssertClose(y.Span, SoftmaxReference.Softmax(OpsTestData.ToDouble(x), length), 1e-11, $"{rows}x{length}");
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            foreach (float p in y.Span.Slice(r * length, length)) sum += p;
            Assert.True(Math.Abs(sum - 1) < 1e-5, $"row {r} sums to {sum}");
        }
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        const int rows = 3, length = 6;
        var x = OpsTestData.Normal(rows * length, 1, std: 2f);
        var coefficients = OpsTestData.Normal(x.Length, 2);
        var y = new float[x.Length];
        Softmax.Forward(x, y, length);
        var dx = new GuardedBuffer(x.Length);
        Softmax.Backward(y, coefficients, dx.Span, length);
        dx.AssertGuardIntact("softmax backward");
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(SoftmaxReference.Softmax(v, length), coefficients), x, dx.Span, "softmax backward");
    }

    [Fact]
    public void WorksInPlace()
    {
        var x = OpsTestData.Normal(4 * 9, 3);
        var expected = SoftmaxReference.Softmax(OpsTestData.ToDouble(x), 9);
        Softmax.Forward(x, x, 9);
        Numerics.AssertClose(x, expected, 1e-11, "in place forward");
        var dy = OpsTestData.Normal(x.Length, 4);
        var dx = new float[x.Length];
        Softmax.Backward(x, dy, dx, 9);
        Softmax.Backward(x, dy, dy, 9);
        Assert.Equal(dx, dy);
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => Softmax.Forward(new float[10], new float[10], 4));
        Assert.Contains("10 elements, not a positive multiple of length 4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Softmax.Forward(new float[8], new float[12], 4));
        Assert.Contains("8 and 12", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Softmax.Backward(new float[8], new float[8], new float[4], 4));
        Assert.Contains("8 and 4", ex.Message);
    }
}
