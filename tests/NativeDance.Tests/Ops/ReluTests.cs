using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class ReluTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(19)]
    [InlineData(3 * 5 * 7 * 11)]
    [InlineData(2 * 131072 + 13)]
    public void ForwardAndBackwardMatchReference(int length)
    {
        var x = OpsTestData.Normal(length, (ulong)length);
        var dy = OpsTestData.Normal(length, (ulong)length + 1);
        var y = new GuardedBuffer(length);
        Relu.Forward(x, y.Span);
        y.AssertGuardIntact($"forward {length}");
        Numerics.AssertClose(y.Span, x.Select(v => Math.Max((double)v, 0)).ToArray(), 0, $"forward {length}");

        var fromInput = new GuardedBuffer(length);
        var fromOutput = new GuardedBuffer(length);
        Relu.Backward(x, dy, fromInput.Span);
        Relu.Backward(y.Span, dy, fromOutput.Span);
        fromInput.AssertGuardIntact($"backward {length}");
        fromOutput.AssertGuardIntact($"backward {length}");
        var expected = x.Select((v, i) => v > 0 ? (double)dy[i] : 0).ToArray();
        Numerics.AssertClose(fromInput.Span, expected, 0, $"backward from input {length}");
        Numerics.AssertClose(fromOutput.Span, expected, 0, $"backward from output {length}");
    }

    [Fact]
    public void BackwardMatchesFiniteDifferencesAwayFromTheKink()
    {
        var x = OpsTestData.AwayFromZero(37, 1);
        var coefficients = OpsTestData.Normal(x.Length, 2);
        var dx = new float[x.Length];
        Relu.Backward(x, coefficients, dx);
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(v.Select(e => Math.Max(e, 0)).ToArray(), coefficients), x, dx, "relu");
    }

    [Fact]
    public void ZeroHasZeroGradientAndNaNPropagates()
    {
        float[] x = [0f, -0f, float.NaN, -1f, 2f];
        var y = new float[x.Length];
        Relu.Forward(x, y);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(0f, y[3]);
        Assert.Equal(2f, y[4]);
        var dx = new float[x.Length];
        Relu.Backward(x, [1, 1, 1, 1, 1], dx);
        Assert.Equal([0f, 0f, 0f, 0f, 1f], dx);
    }

    [Fact]
    public void WorksInPlace()
    {
        var x = OpsTestData.Normal(100, 3);
        var expected = x.Select(v => Math.Max((double)v, 0)).ToArray();
        Relu.Forward(x, x);
        Numerics.AssertClose(x, expected, 0, "in place");
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Relu.Forward(new float[5], new float[4]));
        Assert.Contains("input has 5 elements but output has 4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Relu.Backward(new float[5], new float[5], new float[6]));
        Assert.Contains("forwardValues has 5 elements but inputGrad has 6", ex.Message);
    }
}
