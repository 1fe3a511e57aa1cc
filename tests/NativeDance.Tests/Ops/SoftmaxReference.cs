namespace NativeDance.Tests.Ops;

/// <summary>Row-wise softmax in double precision, shifted by the row maximum.</summary>
internal static class SoftmaxReference
{
    public static double[] Softmax(double[] x, int length)
    {
        var y = new double[x.Length];
        for (int start = 0; start < x.Length; start += length)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int i = start; i < start + length; i++) max = Math.Max(max, x[i]);
            for (int i = start; i < start + length; i++) sum += y[i] = Math.Exp(x[i] - max);
            for (int i = start; i < start + length; i++) y[i] /= sum;
        }
        return y;
    }
}
