namespace NativeDance.Tensors.Gemm;

/// <summary>
/// Single-precision matrix multiply on row-major matrices:
/// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, where op(X) is X or its transpose.
/// Blocked and packed in the BLIS manner around one SIMD microkernel (AVX-512, AVX2, NEON or scalar),
/// parallel over <see cref="Threading.ParallelFor.Threads"/> threads, with no managed allocation.
/// </summary>
/// <example><code>Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n); // C = A * B</code></example>
public static unsafe class Gemm
{
    /// <summary>
    /// Multiplies with bounds checking. A is m x k (k x m when <paramref name="transposeA"/>) with row stride
    /// <paramref name="lda"/>; B is k x n (n x k when <paramref name="transposeB"/>) with row stride <paramref name="ldb"/>.
    /// With beta = 0, C is only written (NaN in C does not propagate); with alpha = 0 or k = 0, A and B are not read.
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
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleRows(c, ldc, m, n, beta);
            return;
        }
        var call = new BlockedMultiply
        {
            TransposeA = transposeA, TransposeB = transposeB, M = m, N = n, K = k, Alpha = alpha,
            A = a, Lda = lda, B = b, Ldb = ldb, Beta = beta, C = c, Ldc = ldc,
        };
        SimdDispatch.Run(ref call);
    }

    private static void ScaleRows(float* c, int ldc, int m, int n, float beta)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
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

    /// <summary>Instantiates the driver for the dispatched SIMD width.</summary>
    private struct BlockedMultiply : ISimdAction
    {
        public bool TransposeA, TransposeB;
        public int M, N, K;
        public float Alpha, Beta;
        public float* A, B, C;
        public int Lda, Ldb, Ldc;

        public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
        {
            var operands = new MatrixOperands(A, Lda, TransposeA, B, Ldb, TransposeB, M, N, K, Alpha, GemmDriver<TOps, TVec>.TileRows);
            GemmDriver<TOps, TVec>.Run(ref operands, C, Ldc, Beta, null);
        }
    }
}
