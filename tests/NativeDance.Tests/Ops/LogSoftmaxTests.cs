using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class LogSoftmaxTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 101)]
    [InlineData(2, 1000)]
    public void ForwardMatchesReference(int rows, int length)
    {
        var x = OpsTestData.Normal(rows * length, (ulong)length, mean: -300f, std: 20f);
        var y = new GuardedBuffer(x.Length);
        LogSoftmax.Forward(x, y.Span, length);
        y.AssertGuardIntact($"{rows}x{length}");
        var expected = SoftmaxReference.Softmax(OpsTestData.ToDouble(x), length).Select(p => Math.Log(p)).ToArray();
        Numerics.AssertClose(y.Span, expected, 1e-11, $"{rows}x{length}");
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        const int rows = 4, length = 5;
        var x = OpsTestData.Normal(rows * length, 5, std: 2f);
        var coefficients = OpsTestData.Normal(x.Length, 6);
        var y = new float[x.Length];
        LogSoftmax.Forward(x, y, length);
        var dx = new GuardedBuffer(x.Length);
        LogSoftmax.Backward(y, coefficients, dx.Span, length);
        dx.AssertGuardIntact("log-softmax backward");
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(SoftmaxReference.Softmax(v, length).Select(p => Math.Log(p)).ToArray(), coefficients),
            x, dx.Span, "log-softmax backward");
    }

    [Fact]
    public void OverlappingBuffersAreRejected()
    {
        var buffer = new float[8];
        var ex = Assert.Throws<ArgumentException>(() => LogSoftmax.Forward(buffer, buffer, 4));
        Assert.Contains("output must not overlap input", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => LogSoftmax.Backward(new float[8], buffer, buffer, 4));
        Assert.Contains("inputGrad must not overlap outputGrad", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => LogSoftmax.Forward(new float[6], new float[6], 0));
        Assert.Contains("length must be positive, got 0", ex.Message);
    }
}
