using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class CrossEntropyTests
{
    [Theory]
    [InlineData(1, 1, 0f)]
    [InlineData(5, 3, 0f)]
    [InlineData(7, 10, 0.1f)]
    [InlineData(33, 101, 0f)]
    [InlineData(16, 400, 0.2f)]
    public void ForwardAndBackwardMatchReference(int batch, int classes, float smoothing)
    {
        var logits = OpsTestData.Normal(batch * classes, (ulong)classes, mean: 50f, std: 5f);
        var labels = Labels(batch, classes, (ulong)batch);
        float loss = CrossEntropy.Forward(logits, labels, classes, smoothing);
        double expected = Reference(OpsTestData.ToDouble(logits), labels, classes, smoothing);
        Assert.True(Math.Abs(loss - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"loss {loss} vs {expected}");

        var grad = new GuardedBuffer(logits.Length);
        CrossEntropy.Backward(logits, labels, classes, grad.Span, smoothing, lossGrad: 0.5f);
        grad.AssertGuardIntact($"B={batch} K={classes}");
        var probabilities = SoftmaxReference.Softmax(OpsTestData.ToDouble(logits), classes);
        var expectedGrad = new double[logits.Length];
        for (int i = 0; i < expectedGrad.Length; i++)
        {
            double target = (i % classes == labels[i / classes] ? 1 - smoothing : 0) + smoothing / classes;
            expectedGrad[i] = 0.5 * (probabilities[i] - target) / batch;
        }
        Numerics.AssertClose(grad.Span, expectedGrad, 1e-11, $"B={batch} K={classes}");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.15f)]
    public void BackwardMatchesFiniteDifferences(float smoothing)
    {
        const int batch = 4, classes = 5;
        var logits = OpsTestData.Normal(batch * classes, 3, std: 2f);
        var labels = Labels(batch, classes, 4);
        var grad = new float[logits.Length];
        CrossEntropy.Backward(logits, labels, classes, grad, smoothing);
        OpsTestData.AssertGradient(v => Reference(v, labels, classes, smoothing), logits, grad, $"smoothing {smoothing}");
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(new float[9], [0, 2, 3], 3));
        Assert.Contains("Label 3 at index 2 is outside [0, 3)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Backward(new float[8], [1, -1], 4, new float[8]));
        Assert.Contains("Label -1 at index 1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(new float[10], [0, 1, 2], 4));
        Assert.Contains("logits have 10 elements; 3 labels of 4 classes need 12", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(new float[8], [0, 1], 4, labelSmoothing: 1.5f));
        Assert.Contains("1.5", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Backward(new float[8], [0, 1], 4, new float[7]));
        Assert.Contains("logitsGrad has 7 elements", ex.Message);
    }

    private static int[] Labels(int batch, int classes, ulong seed)
    {
        var random = new NativeDance.Tensors.SeededRandom(seed);
        return Enumerable.Range(0, batch).Select(_ => random.NextInt(classes)).ToArray();
    }

    /// <summary>Mean over rows of -Σ_k target_k log softmax(x)_k with target (1 - ε) one-hot + ε / K.</summary>
    private static double Reference(double[] logits, int[] labels, int classes, double smoothing)
    {
        var p = SoftmaxReference.Softmax(logits, classes);
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        for (int k = 0; k < classes; k++)
            total -= ((k == labels[i] ? 1 - smoothing : 0) + smoothing / classes) * Math.Log(p[i * classes + k]);
        return total / labels.Length;
    }
}
