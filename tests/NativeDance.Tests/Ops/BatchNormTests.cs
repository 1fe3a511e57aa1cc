using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class BatchNormTests
{
    [Theory]
    [InlineData(2 * 3 * 5 * 7, 19, 0.1f)]
    [InlineData(3 * 5 * 3 * 3, 3, 0.3f)]
    [InlineData(1 * 2 * 3 * 5, 64, 1f)]
    [InlineData(2, 1, 0f)]
    [InlineData(4 * 9 * 9 * 9, 33, 0.01f)]
    public void TrainingForwardMatchesReferenceAndUpdatesRunningStatsAsPyTorch(int rows, int channels, float momentum)
    {
        var options = new BatchNormOptions(1e-5f, momentum);
        var x = OpsTestData.Normal(rows * channels, (ulong)rows, mean: 3f, std: 2f);
        var gamma = OpsTestData.Uniform(channels, 1, 0.5f, 1.5f);
        var beta = OpsTestData.Normal(channels, 2);
        var runningMean = OpsTestData.Normal(channels, 3);
        var runningVar = OpsTestData.Uniform(channels, 4, 0.5f, 2f);
        var (startMean, startVar) = ((float[])runningMean.Clone(), (float[])runningVar.Clone());
        var y = new GuardedBuffer(x.Length);
        var mean = new GuardedBuffer(channels);
        var invStd = new GuardedBuffer(channels);

        BatchNorm.ForwardTraining(x, y.Span, channels, gamma, beta, mean.Span, invStd.Span, runningMean, runningVar, options);

        string context = $"M={rows} C={channels}";
        y.AssertGuardIntact(context);
        mean.AssertGuardIntact(context);
        invStd.AssertGuardIntact(context);
        var (expected, expectedMean, expectedVar) = BatchNormReference.Training(OpsTestData.ToDouble(x), channels,
            OpsTestData.ToDouble(gamma), OpsTestData.ToDouble(beta), options.Epsilon);
        Numerics.AssertClose(y.Span, expected, 1e-11, context);
        Numerics.AssertClose(mean.Span, expectedMean, 1e-13, context + " mean");
        Numerics.AssertClose(invStd.Span, expectedVar.Select(v => 1 / Math.Sqrt(v + options.Epsilon)).ToArray(), 1e-12, context + " invStd");
        var expectedRunningMean = new double[channels];
        var expectedRunningVar = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            expectedRunningMean[c] = (1 - (double)momentum) * startMean[c] + momentum * expectedMean[c];
            expectedRunningVar[c] = (1 - (double)momentum) * startVar[c] + momentum * expectedVar[c] * rows / (rows - 1);
        }
        Numerics.AssertClose(runningMean, expectedRunningMean, 1e-13, context + " running mean");
        Numerics.AssertClose(runningVar, expectedRunningVar, 1e-13, context + " running var");
    }

    [Fact]
    public void TrainingOutputHasZeroMeanAndUnitVariancePerChannelBeforeTheAffine()
    {
        const int rows = 2 * 4 * 7 * 7, channels = 21;
        var x = OpsTestData.Normal(rows * channels, 9, mean: -4f, std: 3f);
        var y = new float[x.Length];
        BatchNorm.ForwardTraining(x, y, channels, default, default, new float[channels], new float[channels], default, default,
            new BatchNormOptions(0f, 0.1f));
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int r = 0; r < rows; r++) sum += y[r * channels + c];
            for (int r = 0; r < rows; r++) squares += Math.Pow(y[r * channels + c] - sum / rows, 2);
            Assert.True(Math.Abs(sum / rows) < 1e-6, $"channel {c} mean {sum / rows}");
            Assert.True(Math.Abs(squares / rows - 1) < 1e-5, $"channel {c} variance {squares / rows}");
        }
    }

    [Fact]
    public void StatisticsStayAccurateOnALargeTensorWithALargeMean()
    {
        // Mean 1000, spread 0.1: a one-pass float sum of squares would cancel to noise.
        const int rows = 100_000, channels = 11;
        var x = OpsTestData.Normal(rows * channels, 10, mean: 1000f, std: 0.1f);
        var y = new float[x.Length];
        var mean = new float[channels];
        var invStd = new float[channels];
        BatchNorm.ForwardTraining(x, y, channels, default, default, mean, invStd, default, default);
        var (expected, expectedMean, expectedVar) = BatchNormReference.Training(OpsTestData.ToDouble(x), channels, null, null, 1e-5);
        Numerics.AssertClose(mean, expectedMean, 1e-14, "mean");
        Numerics.AssertClose(invStd, expectedVar.Select(v => 1 / Math.Sqrt(v + 1e-5)).ToArray(), 1e-12, "invStd");
        // The saved mean is a float: half an ulp of 1000 is 3e-4 of the spread, which bounds the output's accuracy.
        Numerics.AssertClose(y, expected, 1e-6, "output");
    }

    [Theory]
    [InlineData(3 * 5, 19)]
    [InlineData(2 * 3 * 3, 3)]
    public void InferenceForwardMatchesReference(int rows, int channels)
    {
        var x = OpsTestData.Normal(rows * channels, 11, mean: 1f, std: 2f);
        var gamma = OpsTestData.Uniform(channels, 12, 0.5f, 1.5f);
        var beta = OpsTestData.Normal(channels, 13);
        var runningMean = OpsTestData.Normal(channels, 14);
        var runningVar = OpsTestData.Uniform(channels, 15, 0.5f, 2f);
        var y = new GuardedBuffer(x.Length);
        var options = new BatchNormOptions(1e-3f, 0.1f);
        BatchNorm.ForwardInference(x, y.Span, channels, gamma, beta, runningMean, runningVar, options);
        y.AssertGuardIntact("inference");
        var expected = BatchNormReference.Normalize(OpsTestData.ToDouble(x), channels, OpsTestData.ToDouble(runningMean), OpsTestData.ToDouble(runningVar),
            OpsTestData.ToDouble(gamma), OpsTestData.ToDouble(beta), options.Epsilon);
        Numerics.AssertClose(y.Span, expected, 1e-12, "inference");
    }

    [Theory]
    [InlineData(2 * 2 * 3, 3)]
    [InlineData(3 * 2 * 2, 11)]
    public void BackwardMatchesFiniteDifferences(int rows, int channels)
    {
        const double epsilon = 1e-5;
        var x = OpsTestData.Normal(rows * channels, 20, mean: 0.5f, std: 1.5f);
        var gamma = OpsTestData.Uniform(channels, 21, 0.5f, 1.5f);
        var beta = OpsTestData.Normal(channels, 22);
        var coefficients = OpsTestData.Normal(x.Length, 23);
        var mean = new float[channels];
        var invStd = new float[channels];
        BatchNorm.ForwardTraining(x, new float[x.Length], channels, gamma, beta, mean, invStd, default, default);
        var dx = new GuardedBuffer(x.Length);
        var dGamma = new GuardedBuffer(channels);
        var dBeta = new GuardedBuffer(channels);
        BatchNorm.Backward(x, coefficients, channels, gamma, mean, invStd, dx.Span, dGamma.Span, dBeta.Span);
        dx.AssertGuardIntact("dx");
        dGamma.AssertGuardIntact("dGamma");
        dBeta.AssertGuardIntact("dBeta");

        var (xd, gd, bd) = (OpsTestData.ToDouble(x), OpsTestData.ToDouble(gamma), OpsTestData.ToDouble(beta));
        double Loss(double[] input, double[] g, double[] b) =>
            OpsTestData.WeightedSum(BatchNormReference.Training(input, channels, g, b, epsilon).Output, coefficients);
        OpsTestData.AssertGradient(v => Loss(v, gd, bd), x, dx.Span, "dx", 1e-7);
        OpsTestData.AssertGradient(v => Loss(xd, v, bd), gamma, dGamma.Span, "dGamma", 1e-7);
        OpsTestData.AssertGradient(v => Loss(xd, gd, v), beta, dBeta.Span, "dBeta", 1e-7);
    }

    [Fact]
    public void BackwardWithoutAffineMatchesFiniteDifferences()
    {
        const int rows = 10, channels = 9;
        var x = OpsTestData.Normal(rows * channels, 30);
        var coefficients = OpsTestData.Normal(x.Length, 31);
        var mean = new float[channels];
        var invStd = new float[channels];
        BatchNorm.ForwardTraining(x, new float[x.Length], channels, default, default, mean, invStd, default, default);
        var dx = new float[x.Length];
        BatchNorm.Backward(x, coefficients, channels, default, mean, invStd, dx, default, default);
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(BatchNormReference.Training(v, channels, null, null, 1e-5).Output, coefficients), x, dx, "dx", 1e-7);
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardTraining(new float[3], new float[3], 3, default, default, new float[3], new float[3], default, default));
        Assert.Contains("more than one value per channel", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardTraining(new float[10], new float[10], 3, default, default, new float[3], new float[3], default, default));
        Assert.Contains("10 elements, not a positive multiple of channels 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardTraining(new float[12], new float[12], 3, new float[2], default, new float[3], new float[3], default, default));
        Assert.Contains("gamma has 2 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardTraining(new float[12], new float[12], 3, default, default, new float[3], new float[3], new float[3], default));
        Assert.Contains("runningVar has 0 elements but runningMean has 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            BatchNorm.ForwardInference(new float[12], new float[11], 3, default, default, new float[3], new float[3]));
        Assert.Contains("12 elements but its output (or gradient) has 11", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            BatchNorm.Backward(new float[12], new float[12], 3, default, new float[3], new float[4], new float[12], default, default));
        Assert.Contains("savedInvStd has 4 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new BatchNormOptions(-1e-5f, 0.1f));
        Assert.Contains("-1E-05", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new BatchNormOptions(1e-5f, 1.5f));
        Assert.Contains("1.5", ex.Message);
    }
}
