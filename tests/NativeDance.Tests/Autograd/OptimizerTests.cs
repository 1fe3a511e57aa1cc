using NativeDance.Autograd;
using NativeDance.Autograd.Optim;
using NativeDance.Tensors;

namespace NativeDance.Tests.Autograd;

public class OptimizerTests
{
    private static readonly float[] Start = [0.5f, -1.5f, 2f];
    private static readonly float[][] Grads = [[0.1f, -0.2f, 0.3f], [-0.4f, 0.5f, 0.05f], [0.2f, 0.2f, -0.3f]];

    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0.9f, 0.01f, false)]
    [InlineData(0.9f, 0.01f, true)]
    public void SgdFollowsPyTorchsUpdateRule(float momentum, float decay, bool nesterov)
    {
        var p = Variable.Parameter(Tensor.FromData(new Shape(3), Start));
        var sgd = new Sgd([p], 0.1f, momentum, decay, nesterov);
        var expected = Start.Select(v => (double)v).ToArray();
        var buf = new double[3];
        for (int step = 0; step < Grads.Length; step++)
        {
            SetGrad(p, Grads[step]);
            sgd.Step();
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[step][i] + decay * expected[i];
                if (momentum != 0)
                {
                    buf[i] = step == 0 ? g : momentum * buf[i] + g;
                    g = nesterov ? g + momentum * buf[i] : buf[i];
                }
                expected[i] -= 0.1 * g;
            }
            for (int i = 0; i < 3; i++) Assert.Equal(expected[i], p.Value[i], 5);
        }
    }

    [Fact]
    public void AdamWFollowsPyTorchsUpdateRule()
    {
        var p = Variable.Parameter(Tensor.FromData(new Shape(3), Start));
        var adam = new AdamW([p], 0.01f, weightDecay: 0.1f);
        var x = Start.Select(v => (double)v).ToArray();
        var m = new double[3];
        var v = new double[3];
        for (int step = 1; step <= Grads.Length; step++)
        {
            SetGrad(p, Grads[step - 1]);
            adam.Step();
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[step - 1][i];
                x[i] *= 1 - 0.01 * 0.1;
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mh = m[i] / (1 - Math.Pow(0.9, step)), vh = v[i] / (1 - Math.Pow(0.999, step));
                x[i] -= 0.01 * mh / (Math.Sqrt(vh) + 1e-8);
                Assert.Equal(x[i], p.Value[i], 5);
            }
        }
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void SchedulesFollowTheirFormulas()
    {
        var step = new StepSchedule(1f, 10, 0.5f);
        Assert.Equal(1f, step.At(9));
        Assert.Equal(0.5f, step.At(10));
        var cosine = new CosineSchedule(1f, 100, 0.1f);
        Assert.Equal(1f, cosine.At(0), 6);
        Assert.Equal(0.55f, cosine.At(50), 6);
        Assert.Equal(0.1f, cosine.At(100), 6);
        var warm = new LinearWarmup(cosine, 4);
        Assert.Equal(0.2f, warm.At(0), 6);
        Assert.True(warm.At(3) < warm.At(4) + 1e-6f);
        Assert.Equal(cosine.At(10), warm.At(10));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var p = Variable.Parameter(Tensor.Zeros(new Shape(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -1f));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new AdamW([p], 0.1f, beta1: 1f));
        Assert.Throws<ArgumentException>(() => new Sgd([Functional.Scale(p, 2f)], 0.1f));
    }

    private static void SetGrad(Variable p, float[] grad)
    {
        p.ZeroGrad();
        using var g = Tensor.FromData(p.Shape, grad);
        var loss = Functional.Sum(p * Variable.Constant(g));
        loss.Backward();
    }
}
