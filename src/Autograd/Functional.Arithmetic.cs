using NativeDance.Tensors;

namespace NativeDance.Autograd;

/// <summary>
/// Differentiable operations on <see cref="Variable"/>s. Each records its vector-Jacobian product; inputs broadcast
/// as in NumPy and their gradients are summed back to each input's shape.
/// </summary>
public static partial class Functional
{
    /// <summary>a + b.</summary>
    public static Variable Add(Variable a, Variable b) => Variable.FromOperation("add", a.Value + b.Value, [a, b],
        g => [BroadcastGradients.ReduceTo(g, a.Shape), BroadcastGradients.ReduceTo(g, b.Shape)]);

    /// <summary>a - b.</summary>
    public static Variable Subtract(Variable a, Variable b) => Variable.FromOperation("sub", a.Value - b.Value, [a, b],
        g =>
        {
            using var negated = g.Negate();
            return [BroadcastGradients.ReduceTo(g, a.Shape), BroadcastGradients.ReduceTo(negated, b.Shape)];
        });

    /// <summary>a * b, elementwise.</summary>
    public static Variable Multiply(Variable a, Variable b) => Variable.FromOperation("mul", a.Value * b.Value, [a, b],
        g => [GradTimes(g, b.Value, a), GradTimes(g, a.Value, b)]);

    /// <summary>a / b, elementwise.</summary>
    public static Variable Divide(Variable a, Variable b) => Variable.FromOperation("div", a.Value / b.Value, [a, b],
        g =>
        {
            Tensor? gb = null;
            if (b.RequiresGrad)
            {
                // d(a/b)/db = -a / b^2
                using var b2 = b.Value.Square();
                using var ratio = a.Value / b2;
                using var neg = ratio.Negate();
                gb = GradTimes(g, neg, b);
            }
            Tensor? ga = null;
            if (a.RequiresGrad)
            {
                using var ones = Tensor.Ones(new Shape());
                using var reciprocal = ones / b.Value;
                ga = GradTimes(g, reciprocal, a);
            }
            return [ga, gb];
        });

    /// <summary>a * s for a constant s.</summary>
    public static Variable Scale(Variable a, float s) => Variable.FromOperation("scale", a.Value * s, [a], g => [g * s]);

    /// <summary>a + s for a constant s.</summary>
    public static Variable AddScalar(Variable a, float s) => Variable.FromOperation("add_scalar", a.Value + s, [a], g => [g.Contiguous()]);

    /// <summary>-a.</summary>
    public static Variable Negate(Variable a) => Scale(a, -1f);

    /// <summary>grad * factor, summed to <paramref name="input"/>'s shape; null when the input needs no gradient.</summary>
    private static Tensor? GradTimes(Tensor grad, Tensor factor, Variable input)
    {
        if (!input.RequiresGrad) return null;
        using var product = grad * factor;
        return BroadcastGradients.ReduceTo(product, input.Shape);
    }
}
