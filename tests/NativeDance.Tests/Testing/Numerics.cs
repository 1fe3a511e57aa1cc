namespace NativeDance.Tests.Testing;

/// <summary>Comparison of a result against a reference by normalised error, as ggml's test-backend-ops does.</summary>
internal static class Numerics
{
    /// <summary>sum((a - r)^2) / sum(r^2), with the denominator floored so an all-zero reference still compares.</summary>
    public static double NormalizedSquaredError(ReadOnlySpan<float> actual, ReadOnlySpan<double> reference)
    {
        Assert.Equal(reference.Length, actual.Length);
        double err = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = actual[i] - reference[i];
            err += d * d;
            norm += reference[i] * reference[i];
        }
        return err / Math.Max(norm, 1e-30);
    }

    /// <summary>Asserts NMSE below <paramref name="tolerance"/>, naming the context and the worst element on failure.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<double> reference, double tolerance, string context)
    {
        double nmse = NormalizedSquaredError(actual, reference);
        if (nmse <= tolerance && !double.IsNaN(nmse)) return;
        int worst = 0;
        double worstDiff = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs(actual[i] - reference[i]);
            if (double.IsNaN(d) || d > worstDiff) { worstDiff = double.IsNaN(d) ? double.PositiveInfinity : d; worst = i; }
        }
        Assert.Fail($"{context}: NMSE {nmse:E3} > {tolerance:E1}; worst element {worst}: got {actual[worst]}, expected {reference[worst]}.");
    }

    /// <summary>Asserts NMSE below <paramref name="tolerance"/> against a float reference.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> reference, double tolerance, string context)
    {
        var r = new double[reference.Length];
        for (int i = 0; i < r.Length; i++) r[i] = reference[i];
        AssertClose(actual, r, tolerance, context);
    }

    /// <summary>Central finite-difference gradient of a scalar function of a float64 vector.</summary>
    public static double[] FiniteDifferenceGradient(Func<double[], double> f, double[] x, double step = 1e-6)
    {
        var grad = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + step;
            double plus = f(x);
            x[i] = saved - step;
            double minus = f(x);
            x[i] = saved;
            grad[i] = (plus - minus) / (2 * step);
        }
        return grad;
    }
}
