using NativeDance.Autograd;
using NativeDance.Tensors;

namespace NativeDance.Tests.Autograd;

/// <summary>A frozen eval-mode batch norm (AAP's backbone) skips its parameter gradients and still passes the exact input gradient.</summary>
public class FrozenBatchNormTests
{
    [Fact]
    public void FrozenParametersGiveTheSameInputGradientAndNoParameterGradient()
    {
        var shape = new Shape(2, 3, 2, 2, 5);
        using var x = Tensor.RandomNormal(shape, seed: 1);
        using var weights = Tensor.RandomNormal(shape, seed: 2);
        var state = new BatchNormState(Tensor.RandomNormal(new Shape(5), seed: 3), Tensor.Full(new Shape(5), 1.7f));
        Tensor InputGradient(bool trainable, out Variable gamma)
        {
            var input = Variable.Parameter(x.Clone());
            gamma = Variable.Parameter(Tensor.RandomUniform(new Shape(5), seed: 4));
            var beta = Variable.Parameter(Tensor.RandomNormal(new Shape(5), seed: 5));
            gamma.RequiresGrad = beta.RequiresGrad = trainable;
            var y = Functional.BatchNorm(input, gamma, beta, state, training: false);
            Functional.Sum(y * Variable.Constant(weights)).Backward();
            return input.Grad!;
        }
        var trainableGrad = InputGradient(true, out var trainableGamma);
        var frozenGrad = InputGradient(false, out var frozenGamma);
        Assert.Equal(trainableGrad.ToArray(), frozenGrad.ToArray());
        Assert.NotNull(trainableGamma.Grad);
        Assert.Null(frozenGamma.Grad);
    }
}
