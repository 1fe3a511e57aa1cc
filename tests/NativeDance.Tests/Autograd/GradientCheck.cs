using NativeDance.Autograd;
using NativeDance.Tensors;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Autograd;

/// <summary>
/// Checks a differentiable operation two ways against a float64 reference of its forward: the fp32 forward by
/// normalised error, and the autograd gradient of loss = sum(op(x) * c) (random c) against central finite
/// differences of the reference in float64.
/// </summary>
internal static class GradientCheck
{
    public delegate double[] Reference(double[][] inputs);

    public static void Run(string name, Func<Variable[], Variable> op, Reference reference, Shape[] shapes,
        ulong seed = 1, Func<int, int, float>? sample = null, double forwardTolerance = 1e-10, double gradTolerance = 1e-6)
    {
        var rng = new SeededRandom(seed);
        var data = shapes.Select((s, k) =>
        {
            var values = new float[s.ElementCount];
            for (int i = 0; i < values.Length; i++) values[i] = sample?.Invoke(k, i) ?? rng.NextNormal();
            return values;
        }).ToArray();
        var inputs = data.Select((d, k) => Variable.Parameter(Tensor.FromData(shapes[k], d))).ToArray();
        var output = op(inputs);
        var doubles = data.Select(d => d.Select(v => (double)v).ToArray()).ToArray();
        var expected = reference(doubles);
        Numerics.AssertClose(output.Value.ToArray(), expected, forwardTolerance, $"{name} forward");

        var coefficients = new double[expected.Length];
        for (int i = 0; i < coefficients.Length; i++) coefficients[i] = rng.NextNormal();
        using var c = Tensor.FromData(output.Shape, coefficients.Select(v => (float)v).ToArray());
        var loss = Functional.Sum(output * Variable.Constant(c));
        loss.Backward();

        for (int k = 0; k < inputs.Length; k++)
        {
            int which = k;
            double Loss(double[] x)
            {
                var args = (double[][])doubles.Clone();
                args[which] = x;
                var y = reference(args);
                double sum = 0;
                for (int i = 0; i < y.Length; i++) sum += y[i] * coefficients[i];
                return sum;
            }
            var numeric = Numerics.FiniteDifferenceGradient(Loss, (double[])doubles[k].Clone());
            Assert.NotNull(inputs[k].Grad);
            Numerics.AssertClose(inputs[k].Grad!.ToArray(), numeric, gradTolerance, $"{name} gradient of input {k}");
        }
    }
}
