using System.Numerics.Tensors;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// Single-precision matrix multiply on row-major matrices:
/// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, where op(X) is X or its transpose.
/// Blocked and packed in the BLIS manner around a SIMD microkernel (AVX-512, AVX2, NEON or scalar; with AVX-512 and
/// at least 28 rows, a 28 x 16 tile whose broadcasts fold into the multiply-adds), parallel over
/// <see cref="Threading.ParallelFor.Threads"/> threads, with no managed allocation.
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
            else if (beta != 1f) TensorPrimitives.Multiply(row, beta, row);
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

    /// <summary>
    /// The outer BLIS loops: B is packed in blocks of at most <see cref="PackedBFloats"/>, each as deep as that
    /// allows (at least one K chunk of the driver), and each block runs through the driver, which splits C across
    /// threads and packs A per task.
    /// </summary>
    private struct BlockedMultiply : ISimdAction
    {
        /// <summary>
        /// 2 MB, one 512-deep K chunk of a 1024-wide B: a block packed just before the driver reads it is still
        /// mostly in L2 (2 MB a core on the machines we tune for) when the row blocks stream its panels, so its lines
        /// are written and read there instead of going out to L3 and coming back (1 MB blocks of 256-deep chunks
        /// were 5-6% faster than 8 MB ones at 1024^3). Halving it to 1 MB would split N and copy A twice: 1-2% slower.
        /// </summary>
        private const int PackedBFloats = 1 << 19;

        public bool TransposeA, TransposeB;
        public int M, N, K;
        public float Alpha, Beta;
        public float* A, B, C;
        public int Lda, Ldb, Ldc;

        public readonly void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
        {
            // The tall tile needs 512-bit vectors, and wastes nothing only from a full tile of rows on.
            if (typeof(TOps) == typeof(Vector512Ops) && TallKernel<PackedRowStride>.IsSupported && M >= TallKernel<PackedRowStride>.Rows) Run<TOps, TVec, TallKernel<PackedRowStride>>();
            else Run<TOps, TVec, WideKernel<TOps, TVec>>();
        }

        /// <summary>The loops with the tiles of <typeparamref name="TKernel"/>: its panel width and its rows per block.</summary>
        private readonly void Run<TOps, TVec, TKernel>() where TOps : IVectorOps<TVec> where TVec : unmanaged where TKernel : IMicroKernel
        {
            int width = TKernel.Columns;
            int paddedN = (N + width - 1) / width * width;
            int depth = MatrixOperands.ChunkDepth;
            int kBlock = Math.Min(K, Math.Max(depth, PackedBFloats / paddedN / depth * depth));
            int nBlock = Math.Min(paddedN, Math.Max(width, PackedBFloats / kBlock / width * width));
            var (buffer, capacity) = NativeBufferPool.Rent(kBlock * nBlock);
            try
            {
                for (int jc = 0; jc < N; jc += nBlock)
                {
                    int nc = Math.Min(nBlock, N - jc);
                    for (int pc = 0; pc < K; pc += kBlock)
                    {
                        int kc = Math.Min(kBlock, K - pc);
                        var panels = TransposeB
                            ? TransposedPanelPacking.Pack(B + (nint)jc * Ldb + pc, Ldb, kc, nc, width, Alpha, (float*)buffer)
                            : RowPanelPacking<TOps, TVec, StridedRows>.Pack(new StridedRows(B + (nint)pc * Ldb + jc, Ldb), kc, nc, Alpha, (float*)buffer, width);
                        float* aBlock = TransposeA ? A + (nint)pc * Lda : A + pc;
                        var rows = new MatrixOperands(aBlock, Lda, TransposeA, M, nc, kc, TKernel.Rows);
                        GemmDriver<TOps, TVec>.Run<MatrixOperands, TKernel>(ref rows, panels, C + jc, Ldc, pc == 0 ? Beta : 1f, null);
                    }
                }
            }
            finally
            {
                NativeBufferPool.Return(buffer, capacity);
            }
        }
    }
}
