using NativeDance.Autograd;
using NativeDance.Tensors;

namespace NativeDance.Tests.Autograd;

public class ShapeAndReductionGradientTests
{
    [Fact]
    public void ReshapePermuteSlice()
    {
        GradientCheck.Run("reshape", v => Functional.Reshape(v[0], 4, -1), x => x[0], [new(2, 3, 2)]);
        GradientCheck.Run("permute", v => Functional.Permute(v[0], 2, 0, 1), x =>
        {
            var r = new double[24];
            for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++)
                r[(c * 2 + a) * 3 + b] = x[0][(a * 3 + b) * 4 + c];
            return r;
        }, [new(2, 3, 4)]);
        GradientCheck.Run("slice", v => Functional.Slice(v[0], 1, 1, 2, step: 2), x =>
        {
            var r = new double[6];
            for (int a = 0; a < 3; a++) for (int j = 0; j < 2; j++) r[a * 2 + j] = x[0][a * 5 + 1 + 2 * j];
            return r;
        }, [new(3, 5)]);
    }

    [Fact]
    public void SumMeanVarianceAlongAxes()
    {
        GradientCheck.Run("sum", v => Functional.Sum(v[0]), x => [x[0].Sum()], [new(3, 4)]);
        GradientCheck.Run("mean", v => Functional.Mean(v[0]), x => [x[0].Average()], [new(3, 4)]);
        GradientCheck.Run("sum_axis", v => Functional.Sum(v[0], 0), x => Enumerable.Range(0, 4).Select(j => x[0][j] + x[0][4 + j] + x[0][8 + j]).ToArray(), [new(3, 4)]);
        GradientCheck.Run("mean_axis_keep", v => Functional.Mean(v[0], -1, keepDim: true), x => Enumerable.Range(0, 3).Select(i => x[0].Skip(i * 4).Take(4).Average()).ToArray(), [new(3, 4)]);
        GradientCheck.Run("variance", v => Functional.Variance(v[0], 1), x => Enumerable.Range(0, 3).Select(i =>
        {
            var row = x[0].Skip(i * 4).Take(4).ToArray();
            double m = row.Average();
            return row.Select(a => (a - m) * (a - m)).Average();
        }).ToArray(), [new(3, 4)], forwardTolerance: 1e-9);
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsAndThroughSharedInputs()
    {
        var w = Variable.Parameter(Tensor.FromData(new Shape(2), [1f, -2f]));
        Functional.Sum(w * w + w).Backward();          // d/dw = 2w + 1
        Assert.Equal([3f, -3f], w.Grad!.ToArray());
        Functional.Sum(w * 3f).Backward();              // accumulates 3
        Assert.Equal([6f, 0f], w.Grad!.ToArray());
        w.ZeroGrad();
        Assert.Null(w.Grad);
    }

    [Fact]
    public void NoGradAndDetachStopRecording()
    {
        var w = Variable.Parameter(Tensor.Ones(new Shape(3)));
        using (GradMode.NoGrad())
        {
            var y = Functional.Sum(w * w);
            Assert.False(y.RequiresGrad);
            Assert.Throws<InvalidOperationException>(() => y.Backward());
        }
        var detached = Functional.Sum(w.Detach() * 2f);
        Assert.False(detached.RequiresGrad);
        var z = Functional.Sum(w * 2f);
        Assert.True(z.RequiresGrad);
    }

    [Fact]
    public void AGraphScopeReleasesIntermediatesButNotParametersOrGradients()
    {
        var w = Variable.Parameter(Tensor.Ones(new Shape(4)));
        Variable hidden;
        using (var scope = new GraphScope())
        {
            hidden = Functional.Relu(w * 2f);
            Functional.Sum(hidden).Backward();
            Assert.True(scope.OwnedCount >= 3);
        }
        Assert.Throws<ObjectDisposedException>(() => hidden.Value.ToArray());
        Assert.Equal([2f, 2f, 2f, 2f], w.Grad!.ToArray());
        Assert.Equal(1f, w.Value[0]);
    }

    [Fact]
    public void BackwardOfANonScalarNeedsAGradient()
    {
        var w = Variable.Parameter(Tensor.Ones(new Shape(3)));
        var y = w * 2f;
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(new Shape(2))));
        y.Backward(Tensor.Ones(new Shape(3)));
        Assert.Equal([2f, 2f, 2f], w.Grad!.ToArray());
    }
}
