using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// The AVX-512 kernel of a plain GEMM: a 28 x 16 tile in 28 accumulators, over A rows packed at the fixed stride
/// <see cref="Stride"/> (<see cref="MatrixOperands"/>' copy). Each step loads one vector of the B panel and multiplies it
/// by one A value per row; every A value feeds exactly one multiply-add, so the JIT folds its broadcast into the FMA
/// (<c>vfmadd231ps zmm, zmm, [a + r * stride]{1to16}</c>, row r at a constant displacement from one pointer): 28 FMAs
/// and one load per step, where the 14 x 32 tile of <see cref="MicroKernel{TOps, TVec}"/> also issues 14 separate
/// broadcasts and 5 pointer updates. The two run level on an idle core; on one shared with another guest the fewer
/// instructions keep more of the FMA throughput (4-10% faster at 1024^3 in alternating runs on a busy host). Specialised
/// per row count like <see cref="MicroKernel{TOps, TVec}"/>, so the last rows of a GEMM compute nothing extra.
/// </summary>
internal readonly unsafe struct TallKernel : IMicroKernel
{
    /// <summary>Floats between packed A rows: a K chunk and the padding that keeps rows off 4 KB multiples.</summary>
    public const int Stride = MatrixOperands.ScratchStride;

    /// <summary>How many k steps ahead the loop prefetches its B rows (one 64-byte line each).</summary>
    private const int PrefetchSteps = 32;

    public static int Rows => 28;

    public static int Columns => Width;

    // Columns as a constant: the B panel's row stride in the hot loop.
    private const int Width = 16;

    /// <summary>Whether the kernel runs here: it is written for 512-bit vectors.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    public static void Run(int rows, TileArgs* t) => TileRowsSwitch.Run<Specialised>(rows, t);

    /// <summary>The kernel's instantiations, as <see cref="TileRowsSwitch"/> runs them.</summary>
    private readonly struct Specialised : IRowSpecialised
    {
        public static void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows => TallKernel.Run<TRows>(t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows
    {
        int n = TRows.Value;
        Debug.Assert(t->Lda == Stride, "The tall kernel reads A rows packed at its fixed stride.");
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default,
            c7 = default, c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default,
            c14 = default, c15 = default, c16 = default, c17 = default, c18 = default, c19 = default, c20 = default,
            c21 = default, c22 = default, c23 = default, c24 = default, c25 = default, c26 = default, c27 = default;
        int length = t->Length;
        KSegment* segment = t->Segments, segmentEnd = segment + t->SegmentCount;
        for (; segment < segmentEnd; segment++)
        {
            float* a = t->A + segment->AOffset;
            float* b = t->B + segment->K * Width;
            for (int p = 0; p < length; p++, a++, b += Width)
            {
                Sse.Prefetch0(b + PrefetchSteps * Width);
                var w = Vector512.Load(b);
                c0 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[0 * Stride]), c0);
                if (n > 1) c1 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[1 * Stride]), c1);
                if (n > 2) c2 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[2 * Stride]), c2);
                if (n > 3) c3 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[3 * Stride]), c3);
                if (n > 4) c4 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[4 * Stride]), c4);
                if (n > 5) c5 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[5 * Stride]), c5);
                if (n > 6) c6 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[6 * Stride]), c6);
                if (n > 7) c7 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[7 * Stride]), c7);
                if (n > 8) c8 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[8 * Stride]), c8);
                if (n > 9) c9 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[9 * Stride]), c9);
                if (n > 10) c10 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[10 * Stride]), c10);
                if (n > 11) c11 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[11 * Stride]), c11);
                if (n > 12) c12 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[12 * Stride]), c12);
                if (n > 13) c13 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[13 * Stride]), c13);
                if (n > 14) c14 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[14 * Stride]), c14);
                if (n > 15) c15 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[15 * Stride]), c15);
                if (n > 16) c16 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[16 * Stride]), c16);
                if (n > 17) c17 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[17 * Stride]), c17);
                if (n > 18) c18 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[18 * Stride]), c18);
                if (n > 19) c19 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[19 * Stride]), c19);
                if (n > 20) c20 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[20 * Stride]), c20);
                if (n > 21) c21 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[21 * Stride]), c21);
                if (n > 22) c22 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[22 * Stride]), c22);
                if (n > 23) c23 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[23 * Stride]), c23);
                if (n > 24) c24 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[24 * Stride]), c24);
                if (n > 25) c25 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[25 * Stride]), c25);
                if (n > 26) c26 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[26 * Stride]), c26);
                if (n > 27) c27 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[27 * Stride]), c27);
            }
        }
        float* c = t->C;
        nint ldc = t->Ldc;
        float beta = t->Beta;
        float* bias = t->Bias;
        StoreRow(c, c0, beta, bias);
        if (n > 1) StoreRow(c + 1 * ldc, c1, beta, bias);
        if (n > 2) StoreRow(c + 2 * ldc, c2, beta, bias);
        if (n > 3) StoreRow(c + 3 * ldc, c3, beta, bias);
        if (n > 4) StoreRow(c + 4 * ldc, c4, beta, bias);
        if (n > 5) StoreRow(c + 5 * ldc, c5, beta, bias);
        if (n > 6) StoreRow(c + 6 * ldc, c6, beta, bias);
        if (n > 7) StoreRow(c + 7 * ldc, c7, beta, bias);
        if (n > 8) StoreRow(c + 8 * ldc, c8, beta, bias);
        if (n > 9) StoreRow(c + 9 * ldc, c9, beta, bias);
        if (n > 10) StoreRow(c + 10 * ldc, c10, beta, bias);
        if (n > 11) StoreRow(c + 11 * ldc, c11, beta, bias);
        if (n > 12) StoreRow(c + 12 * ldc, c12, beta, bias);
        if (n > 13) StoreRow(c + 13 * ldc, c13, beta, bias);
        if (n > 14) StoreRow(c + 14 * ldc, c14, beta, bias);
        if (n > 15) StoreRow(c + 15 * ldc, c15, beta, bias);
        if (n > 16) StoreRow(c + 16 * ldc, c16, beta, bias);
        if (n > 17) StoreRow(c + 17 * ldc, c17, beta, bias);
        if (n > 18) StoreRow(c + 18 * ldc, c18, beta, bias);
        if (n > 19) StoreRow(c + 19 * ldc, c19, beta, bias);
        if (n > 20) StoreRow(c + 20 * ldc, c20, beta, bias);
        if (n > 21) StoreRow(c + 21 * ldc, c21, beta, bias);
        if (n > 22) StoreRow(c + 22 * ldc, c22, beta, bias);
        if (n > 23) StoreRow(c + 23 * ldc, c23, beta, bias);
        if (n > 24) StoreRow(c + 24 * ldc, c24, beta, bias);
        if (n > 25) StoreRow(c + 25 * ldc, c25, beta, bias);
        if (n > 26) StoreRow(c + 26 * ldc, c26, beta, bias);
        if (n > 27) StoreRow(c + 27 * ldc, c27, beta, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> sum, float beta, float* bias)
    {
        if (bias != null) sum += Vector512.Load(bias);
        if (beta != 0f) sum = Vector512.FusedMultiplyAdd(Vector512.Load(c), Vector512.Create(beta), sum);
        sum.Store(c);
    }
}
