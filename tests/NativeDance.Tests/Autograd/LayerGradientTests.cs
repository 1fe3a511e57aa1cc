using NativeDance.Autograd;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Conv;
using NativeDance.Tests.Ops;

namespace NativeDance.Tests.Autograd;

public class LayerGradientTests
{
    [Theory]
    [InlineData(1, 1, 1, false)]
    [InlineData(2, 1, 2, true)]
    [InlineData(1, 2, 1, true)]
    public void Conv3dInputWeightAndBias(int stride, int dilation, int groups, bool withBias)
    {
        var g = Conv3dGeometry.Create(2, 2 * groups, new Dims3(4, 5, 4), 2 * groups, new Dims3(3, 2, 3),
            stride: Dims3.Cube(stride), padding: new Dims3(1, 0, 1), dilation: Dims3.Cube(dilation), groups: groups);
        Shape[] shapes = withBias ? [g.InputShape, g.WeightShape, new Shape(g.OutChannels)] : [g.InputShape, g.WeightShape];
        GradientCheck.Run($"conv3d s{stride} d{dilation} g{groups}",
            v => Functional.Conv3d(v[0], v[1], withBias ? v[2] : null, g),
            x => Conv3dReference.Forward(g, x[0], x[1], withBias ? x[2] : []), shapes, forwardTolerance: 1e-9);
    }

    [Fact]
    public void MaxAndAveragePooling()
    {
        var g = Pool3dGeometry.Create(batch: 1, channels: 3, input: new Dims3(4, 5, 5), kernel: new Dims3(2, 3, 3),
            stride: new Dims3(2, 2, 2), padding: new Dims3(1, 1, 1));
        // Distinct values so the maximum of every window is unique and finite differences stay off the kinks.
        GradientCheck.Run("max_pool3d", v => Functional.MaxPool3d(v[0], g), x => Pool3dReference.Max(g, x[0]).Values, [g.InputShape],
            sample: (_, i) => ((i * 37) % 101) * 0.05f);
        GradientCheck.Run("avg_pool3d", v => Functional.AvgPool3d(v[0], g), x => Pool3dReference.Avg(g, x[0], countIncludePad: true), [g.InputShape]);
        GradientCheck.Run("avg_pool3d_exclude_pad", v => Functional.AvgPool3d(v[0], g, countIncludePad: false),
            x => Pool3dReference.Avg(g, x[0], countIncludePad: false), [g.InputShape]);
        GradientCheck.Run("global_avg_pool3d", v => Functional.GlobalAvgPool3d(v[0]), x =>
        {
            var r = new double[2 * 3];
            for (int n = 0; n < 2; n++) for (int p = 0; p < 12; p++) for (int c = 0; c < 3; c++) r[n * 3 + c] += x[0][(n * 12 + p) * 3 + c] / 12;
            return r;
        }, [new Shape(2, 2, 3, 2, 3)]);
    }

    [Fact]
    public void BatchNormInTrainingAndEvalModes()
    {
        var shape = new Shape(2, 3, 2, 2, 4);
        GradientCheck.Run("batch_norm_train", v => Functional.BatchNorm(v[0], v[1], v[2], FreshState(4), training: true),
            x => BatchNormReference.Training(x[0], 4, x[1], x[2], 1e-5).Output, [shape, new(4), new(4)], gradTolerance: 1e-5);
        var mean = new double[] { 0.1, -0.2, 0.3, 0.0 };
        var variance = new double[] { 1.5, 0.7, 2.0, 1.0 };
        GradientCheck.Run("batch_norm_eval", v => Functional.BatchNorm(v[0], v[1], v[2], State(mean, variance), training: false),
            x => BatchNormReference.Normalize(x[0], 4, mean, variance, x[1], x[2], 1e-5), [shape, new(4), new(4)]);
    }

    [Fact]
    public void LinearLogSoftmaxAndLosses()
    {
        GradientCheck.Run("linear", v => Functional.Linear(v[0], v[1], v[2]), x =>
        {
            var r = new double[3 * 2];
            for (int b = 0; b < 3; b++) for (int o = 0; o < 2; o++)
            {
                r[b * 2 + o] = x[2][o];
                for (int i = 0; i < 5; i++) r[b * 2 + o] += x[0][b * 5 + i] * x[1][o * 5 + i];
            }
            return r;
        }, [new(3, 5), new(2, 5), new(2)]);
        GradientCheck.Run("log_softmax", v => Functional.LogSoftmax(v[0]), x => LogSoftmax(x[0], 4), [new(3, 4)]);
        int[] labels = [2, 0, 3];
        GradientCheck.Run("cross_entropy", v => Functional.CrossEntropy(v[0], labels), x =>
        {
            var lp = LogSoftmax(x[0], 4);
            return [-(lp[2] + lp[4] + lp[11]) / 3];
        }, [new(3, 4)]);
        GradientCheck.Run("cross_entropy_smoothed", v => Functional.CrossEntropy(v[0], labels, labelSmoothing: 0.1f), x =>
        {
            var lp = LogSoftmax(x[0], 4);
            double loss = 0;
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 4; c++) loss -= lp[b * 4 + c] * ((c == labels[b] ? 0.9 : 0) + 0.1 / 4);
            return [loss / 3];
        }, [new(3, 4)]);
    }

    [Fact]
    public void DistillationKlDivergence()
    {
        var teacher = new float[] { 1f, -2f, 0.5f, 3f, 0f, 0.2f, -1f, 2f };
        const double tau = 2.0;
        GradientCheck.Run("kl_div", v =>
        {
            using var t = Tensor.FromData(new Shape(2, 4), teacher);
            return Functional.KlDivergence(v[0], t, (float)tau);
        }, x =>
        {
            var pt = LogSoftmax(teacher.Select(a => a / tau).ToArray(), 4);
            var ps = LogSoftmax(x[0].Select(a => a / tau).ToArray(), 4);
            double kl = 0;
            for (int i = 0; i < 8; i++) kl += Math.Exp(pt[i]) * (pt[i] - ps[i]);
            return [tau * tau * kl / 2];
        }, [new(2, 4)], forwardTolerance: 1e-9);
    }

    private static double[] LogSoftmax(double[] x, int length) =>
        SoftmaxReference.Softmax(x, length).Select(p => Math.Log(p)).ToArray();

    private static BatchNormState FreshState(int c) => new(Tensor.Zeros(new Shape(c)), Tensor.Ones(new Shape(c)));

    private static BatchNormState State(double[] mean, double[] variance) =>
        new(Tensor.FromData(new Shape(mean.Length), mean.Select(v => (float)v).ToArray()),
            Tensor.FromData(new Shape(variance.Length), variance.Select(v => (float)v).ToArray()));
}
