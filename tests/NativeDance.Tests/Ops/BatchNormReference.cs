namespace NativeDance.Tests.Ops;

/// <summary>Plain-loop batch norm over [M, C] channels-last rows in double precision, two-pass statistics.</summary>
internal static class BatchNormReference
{
    public static (double[] Output, double[] Mean, double[] Variance) Training(double[] x, int channels, double[]? gamma, double[]? beta, double epsilon)
    {
        int rows = x.Length / channels;
        var mean = new double[channels];
        var variance = new double[channels];
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < channels; c++)
            mean[c] += x[r * channels + c] / rows;
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < channels; c++)
        {
            double d = x[r * channels + c] - mean[c];
            variance[c] += d * d / rows;
        }
        return (Normalize(x, channels, mean, variance, gamma, beta, epsilon), mean, variance);
    }

    public static double[] Normalize(double[] x, int channels, double[] mean, double[] variance, double[]? gamma, double[]? beta, double epsilon)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            y[i] = (x[i] - mean[c]) / Math.Sqrt(variance[c] + epsilon) * (gamma?[c] ?? 1) + (beta?[c] ?? 0);
        }
        return y;
    }
}
