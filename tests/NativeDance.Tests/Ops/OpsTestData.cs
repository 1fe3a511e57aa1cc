using NativeDance.Tensors;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

/// <summary>Seeded inputs and float/double conversions shared by the ops tests.</summary>
internal static class OpsTestData
{
    public static float[] Normal(int length, ulong seed, float mean = 0, float std = 1)
    {
        var random = new SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = mean + std * random.NextNormal();
        return values;
    }

    public static float[] Uniform(int length, ulong seed, float low, float high)
    {
        var random = new SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = low + (high - low) * random.NextSingle();
        return values;
    }

    /// <summary>A random permutation of distinct values 0.01 apart, so a max never sits on a tie or near a kink.</summary>
    public static float[] Distinct(int length, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (i - length / 2) * 0.01f;
        for (int i = length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
        return values;
    }

    /// <summary>Uniform magnitudes in [0.1, 1] with random signs: no value is near ReLU's kink at 0.</summary>
    public static float[] AwayFromZero(int length, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (0.1f + 0.9f * random.NextSingle()) * (random.NextInt(2) == 0 ? -1 : 1);
        return values;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>Σ out * coefficients over the finite outputs: the scalar loss whose gradient a backward pass computes.</summary>
    public static double WeightedSum(ReadOnlySpan<double> output, ReadOnlySpan<float> coefficients)
    {
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
            if (double.IsFinite(output[i])) sum += output[i] * coefficients[i];
        return sum;
    }

    /// <summary>Asserts that <paramref name="analytic"/> matches float64 central differences of <paramref name="loss"/> at <paramref name="x"/>.</summary>
    public static void AssertGradient(Func<double[], double> loss, ReadOnlySpan<float> x, ReadOnlySpan<float> analytic, string context,
        double tolerance = 1e-8)
    {
        var numeric = Numerics.FiniteDifferenceGradient(loss, ToDouble(x));
        Numerics.AssertClose(analytic, numeric, tolerance, context);
    }
}
