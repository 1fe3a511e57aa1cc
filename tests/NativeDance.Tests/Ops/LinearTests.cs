using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

public class LinearTests
{
    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(3, 7, 5, true)]
    [InlineData(17, 33, 19, false)]
    [InlineData(8, 64, 101, true)]
    [InlineData(1, 1000, 131, true)]
    [InlineData(1, 37, 200, false)]
    public void ForwardAndBackwardMatchReference(int batch, int inFeatures, int outFeatures, bool withBias)
    {
        var g = LinearGeometry.Create(batch, inFeatures, outFeatures);
        var x = OpsTestData.Normal(g.InputLength, 1);
        var w = OpsTestData.Normal(g.WeightLength, 2);
        var b = withBias ? OpsTestData.Normal(outFeatures, 3) : [];
        var dy = OpsTestData.Normal(g.OutputLength, 4);
        var y = new GuardedBuffer(g.OutputLength);
        Linear.Forward(g, x, w, b, y.Span);
        y.AssertGuardIntact(g.ToString());
        Numerics.AssertClose(y.Span, Reference(g, OpsTestData.ToDouble(x), w, b), 1e-11, g.ToString());

        var dx = new GuardedBuffer(g.InputLength);
        var dw = new GuardedBuffer(g.WeightLength);
        var db = new GuardedBuffer(withBias ? outFeatures : 0);
        Linear.Backward(g, x, w, dy, dx.Span, dw.Span, db.Span);
        dx.AssertGuardIntact(g + " dx");
        dw.AssertGuardIntact(g + " dw");
        db.AssertGuardIntact(g + " db");
        var (edx, edw, edb) = (new double[g.InputLength], new double[g.WeightLength], new double[outFeatures]);
        for (int i = 0; i < batch; i++)
        for (int o = 0; o < outFeatures; o++)
        {
            double grad = dy[i * outFeatures + o];
            edb[o] += grad;
            for (int k = 0; k < inFeatures; k++)
            {
                edx[i * inFeatures + k] += grad * w[o * inFeatures + k];
                edw[o * inFeatures + k] += grad * x[i * inFeatures + k];
            }
        }
        Numerics.AssertClose(dx.Span, edx, 1e-11, g + " dx");
        Numerics.AssertClose(dw.Span, edw, 1e-11, g + " dw");
        if (withBias) Numerics.AssertClose(db.Span, edb, 1e-13, g + " db");
    }

    [Fact]
    public void BackwardMatchesFiniteDifferences()
    {
        var g = LinearGeometry.Create(3, 5, 4);
        var x = OpsTestData.Normal(g.InputLength, 5);
        var w = OpsTestData.Normal(g.WeightLength, 6);
        var b = OpsTestData.Normal(g.OutFeatures, 7);
        var coefficients = OpsTestData.Normal(g.OutputLength, 8);
        var (dx, dw, db) = (new float[g.InputLength], new float[g.WeightLength], new float[g.OutFeatures]);
        Linear.Backward(g, x, w, coefficients, dx, dw, db);
        var (xd, wd, bd) = (OpsTestData.ToDouble(x), OpsTestData.ToDouble(w), OpsTestData.ToDouble(b));
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(Reference(g, v, wd, bd), coefficients), x, dx, "dx");
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(Reference(g, xd, v, bd), coefficients), w, dw, "dw");
        OpsTestData.AssertGradient(v => OpsTestData.WeightedSum(Reference(g, xd, wd, v), coefficients), b, db, "db");
    }

    [Fact]
    public void InputGradientCanBeSkipped()
    {
        var g = LinearGeometry.Create(2, 3, 4);
        var x = OpsTestData.Normal(g.InputLength, 9);
        var dy = OpsTestData.Normal(g.OutputLength, 10);
        var (withDx, withoutDx) = (new float[g.WeightLength], new float[g.WeightLength]);
        Linear.Backward(g, x, new float[g.WeightLength], dy, new float[g.InputLength], withDx, default);
        Linear.Backward(g, x, new float[g.WeightLength], dy, default, withoutDx, default);
        Assert.Equal(withDx, withoutDx);
    }

    [Fact]
    public void BadInputIsRejectedWithTheOffendingValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => LinearGeometry.Create(2, 0, 3));
        Assert.Contains("inFeatures must be positive, got 0", ex.Message);
        var g = LinearGeometry.Create(2, 3, 4);
        ex = Assert.Throws<ArgumentException>(() => Linear.Forward(g, new float[6], new float[11], default, new float[8]));
        Assert.Contains("weight has 11 elements", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Linear.Forward(g, new float[6], new float[12], new float[3], new float[8]));
        Assert.Contains("bias has 3 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Linear.Backward(g, new float[6], new float[12], new float[8], new float[5], new float[12], default));
        Assert.Contains("inputGrad has 5 elements", ex.Message);
    }

    private static double[] Reference(in LinearGeometry g, double[] x, ReadOnlySpan<float> w, ReadOnlySpan<float> b) =>
        Reference(g, x, OpsTestData.ToDouble(w), OpsTestData.ToDouble(b));

    private static double[] Reference(in LinearGeometry g, double[] x, double[] w, double[] b)
    {
        var y = new double[g.OutputLength];
        for (int i = 0; i < g.Batch; i++)
        for (int o = 0; o < g.OutFeatures; o++)
        {
            double sum = b.Length == 0 ? 0 : b[o];
            for (int k = 0; k < g.InFeatures; k++) sum += x[i * g.InFeatures + k] * w[o * g.InFeatures + k];
            y[i * g.OutFeatures + o] = sum;
        }
        return y;
    }
}
