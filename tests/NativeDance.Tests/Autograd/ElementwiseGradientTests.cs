using NativeDance.Autograd;
using NativeDance.Tensors;

namespace NativeDance.Tests.Autograd;

public class ElementwiseGradientTests
{
    private static readonly Shape[] Broadcasting = [new(3, 1, 4), new(2, 1)];

    private static double[] Broadcast(double[][] x, Func<double, double, double> f)
    {
        var r = new double[3 * 2 * 4];
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
        for (int k = 0; k < 4; k++)
            r[(i * 2 + j) * 4 + k] = f(x[0][i * 4 + k], x[1][j]);
        return r;
    }

    [Fact]
    public void AddBroadcasts() => GradientCheck.Run("add", v => v[0] + v[1], x => Broadcast(x, (a, b) => a + b), Broadcasting);

    [Fact]
    public void SubtractBroadcasts() => GradientCheck.Run("sub", v => v[0] - v[1], x => Broadcast(x, (a, b) => a - b), Broadcasting);

    [Fact]
    public void MultiplyBroadcasts() => GradientCheck.Run("mul", v => v[0] * v[1], x => Broadcast(x, (a, b) => a * b), Broadcasting);

    [Fact]
    public void DivideBroadcasts() => GradientCheck.Run("div", v => v[0] / v[1], x => Broadcast(x, (a, b) => a / b), Broadcasting,
        sample: (k, i) => k == 1 ? 1.5f + i : 0.3f * i - 1f);

    [Fact]
    public void ScaleAndShift() => GradientCheck.Run("affine", v => v[0] * 2.5f + 1f, x => x[0].Select(a => 2.5 * a + 1).ToArray(), [new(5)]);

    [Fact]
    public void Relu() => GradientCheck.Run("relu", v => Functional.Relu(v[0]), x => x[0].Select(a => Math.Max(a, 0)).ToArray(), [new(11)],
        sample: (_, i) => (i - 5.3f) * 0.4f);

    [Fact]
    public void Sigmoid() => GradientCheck.Run("sigmoid", v => Functional.Sigmoid(v[0]), x => x[0].Select(a => 1 / (1 + Math.Exp(-a))).ToArray(), [new(9)]);

    [Fact]
    public void Softplus() => GradientCheck.Run("softplus", v => Functional.Softplus(v[0]), x => x[0].Select(a => Math.Log(1 + Math.Exp(a))).ToArray(), [new(9)],
        sample: (_, i) => (i - 4) * 3f);

    [Fact]
    public void ExpLogSquareAbs()
    {
        GradientCheck.Run("exp", v => Functional.Exp(v[0]), x => x[0].Select(a => Math.Exp(a)).ToArray(), [new(6)]);
        GradientCheck.Run("log", v => Functional.Log(v[0]), x => x[0].Select(a => Math.Log(a)).ToArray(), [new(6)], sample: (_, i) => 0.5f + i);
        GradientCheck.Run("square", v => Functional.Square(v[0]), x => x[0].Select(a => a * a).ToArray(), [new(6)]);
        GradientCheck.Run("abs", v => Functional.Abs(v[0]), x => x[0].Select(a => Math.Abs(a)).ToArray(), [new(6)], sample: (_, i) => i - 2.5f);
    }

    [Fact]
    public void DropoutScalesSurvivorsAndRoutesGradientsThroughThem()
    {
        var x = Variable.Parameter(Tensor.Ones(new Shape(1000)));
        var y = Functional.Dropout(x, 0.3f, training: true, seed: 9);
        var values = y.Value.ToArray();
        int kept = values.Count(v => v != 0);
        Assert.InRange(kept, 620, 780);
        Assert.All(values.Where(v => v != 0), v => Assert.Equal(1f / 0.7f, v, 5));
        Functional.Sum(y).Backward();
        Assert.Equal(values, x.Grad!.ToArray());
        var eval = Functional.Dropout(x, 0.3f, training: false, seed: 9);
        Assert.Equal(x.Value.ToArray(), eval.Value.ToArray());
    }
}
