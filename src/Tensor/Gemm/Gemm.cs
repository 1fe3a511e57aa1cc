using System.Numerics.Tensors;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// Single-precision matrix multiply on row-major matrices:
/// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, where op(X) is X or its transpose.
/// </summary>
public static unsafe class Gemm
{
    /// <summary>
    /// Multiplies with bounds checking. A is m x k (k x m when <paramref name="transposeA"/>) with row stride
    /// <paramref name="lda"/>; B is k x n (n x k when <paramref name="transposeB"/>) with row stride <paramref name="ldb"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension is too small, or a span is too short.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"GEMM sizes must not be negative: m={m}, n={n}, k={k}.");
        RequireMatrix("A", a.Length, transposeA ? k : m, transposeA ? m : k, lda);
        RequireMatrix("B", b.Length, transposeB ? n : k, transposeB ? k : n, ldb);
        RequireMatrix("C", c.Length, m, n, ldc);
        fixed (float* pa = a, pb = b, pc = c)
            Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    /// <summary>The unchecked form of <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) TensorPrimitives.Multiply(row, beta, row);
            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transposeA ? a[(long)p * lda + i] : a[(long)i * lda + p]);
                if (transposeB)
                {
                    for (int j = 0; j < n; j++) row[j] += av * b[(long)j * ldb + p];
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + (long)p * ldb, n), av, row, row);
                }
            }
        }
    }

    private static void RequireMatrix(string name, int length, int rows, int cols, int ld)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException($"Leading dimension of {name} is {ld}, less than its {cols} columns.", name);
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"{name} holds {length} elements; a {rows} x {cols} matrix with leading dimension {ld} needs {needed}.", name);
    }
}
