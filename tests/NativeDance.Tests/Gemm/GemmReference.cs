namespace NativeDance.Tests.Gemm;

/// <summary>Plain-loop GEMM in double precision: C = alpha * op(A) * op(B) + beta * C on row-major matrices.</summary>
internal static class GemmReference
{
    public static double[] Multiply(bool transposeA, bool transposeB, int m, int n, int k, double alpha,
        float[] a, int lda, float[] b, int ldb, double beta, float[] c, int ldc)
    {
        var result = new double[c.Length];
        for (int i = 0; i < c.Length; i++) result[i] = c[i];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int p = 0; p < k; p++)
            {
                double av = transposeA ? a[p * lda + i] : a[i * lda + p];
                double bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                sum += av * bv;
            }
            result[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j]);
        }
        return result;
    }
}
