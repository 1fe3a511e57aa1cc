using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// The AVX-512 kernel of a plain GEMM and of convs whose input pixels suit it: a 28 x 16 tile in 28 accumulators, over
/// A rows at a stride fixed by <typeparamref name="TStride"/> (<see cref="MatrixOperands"/>' copy, or channels-last
/// input pixels). Each step loads one vector of the B panel and multiplies it
/// by one A value per row; every A value feeds exactly one multiply-add, so the JIT folds its broadcast into the FMA
/// (<c>vfmadd231ps zmm, zmm, [a + r * stride]{1to16}</c>, row r at a constant displacement from one pointer): 28 FMAs
/// and one load per step, where the 14 x 32 tile of <see cref="MicroKernel{TOps, TVec}"/> also issues 14 separate
/// broadcasts and 5 pointer updates. The two run level on an idle core; on one shared with another guest the fewer
/// instructions keep more of the FMA throughput (4-10% faster at 1024^3 in alternating runs on a busy host). Specialised
/// per row count like <see cref="MicroKernel{TOps, TVec}"/>, so the last rows of a GEMM compute nothing extra.
/// </summary>
internal readonly unsafe struct TallKernel<TStride> : IMicroKernel where TStride : struct, ITallRowStride
{
    /// <summary>Floats between A rows, a constant of the instantiation.</summary>
    private static int Stride => TStride.Value;

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
        public static void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows => TallKernel<TStride>.Run<TRows>(t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows
    {
        Debug.Assert(t->Lda == Stride, "The tall kernel reads A rows at the stride it is instantiated for.");
        Accumulators c = default;
        int length = t->Length;
        KSegment* segment = t->Segments, segmentEnd = segment + t->SegmentCount;
        for (; segment < segmentEnd; segment++)
        {
            float* a = t->A + segment->AOffset;
            float* b = t->B + segment->K * Width;
            float* end = b + length * Width;
            // Two steps per iteration: the loop's own instructions (pointer bumps, compare, branch) drop from 5 to 3
            // a step, and these compete with the FMAs for issue ports (0.4-1.1% faster at 1024^3, alternating with
            // the one-step loop in one process). An odd step goes first.
            if ((length & 1) != 0)
            {
                Sse.Prefetch0(b + PrefetchSteps * Width);
                Step<TRows>(ref c, a, Vector512.Load(b));
                a++;
                b += Width;
            }
            for (; b < end; a += 2, b += 2 * Width)
            {
                Sse.Prefetch0(b + PrefetchSteps * Width);
                Step<TRows>(ref c, a, Vector512.Load(b));
                Sse.Prefetch0(b + (PrefetchSteps + 1) * Width);
                Step<TRows>(ref c, a + 1, Vector512.Load(b + Width));
            }
        }
        nint ldc = t->Ldc;
        float beta = t->Beta;
        float* bias = t->Bias;
        int n = TRows.Value;
        StoreRow(t->C, c.C0, beta, bias);
        if (n > 1) StoreRow(t->C + 1 * ldc, c.C1, beta, bias);
        if (n > 2) StoreRow(t->C + 2 * ldc, c.C2, beta, bias);
        if (n > 3) StoreRow(t->C + 3 * ldc, c.C3, beta, bias);
        if (n > 4) StoreRow(t->C + 4 * ldc, c.C4, beta, bias);
        if (n > 5) StoreRow(t->C + 5 * ldc, c.C5, beta, bias);
        if (n > 6) StoreRow(t->C + 6 * ldc, c.C6, beta, bias);
        if (n > 7) StoreRow(t->C + 7 * ldc, c.C7, beta, bias);
        if (n > 8) StoreRow(t->C + 8 * ldc, c.C8, beta, bias);
        if (n > 9) StoreRow(t->C + 9 * ldc, c.C9, beta, bias);
        if (n > 10) StoreRow(t->C + 10 * ldc, c.C10, beta, bias);
        if (n > 11) StoreRow(t->C + 11 * ldc, c.C11, beta, bias);
        if (n > 12) StoreRow(t->C + 12 * ldc, c.C12, beta, bias);
        if (n > 13) StoreRow(t->C + 13 * ldc, c.C13, beta, bias);
        if (n > 14) StoreRow(t->C + 14 * ldc, c.C14, beta, bias);
        if (n > 15) StoreRow(t->C + 15 * ldc, c.C15, beta, bias);
        if (n > 16) StoreRow(t->C + 16 * ldc, c.C16, beta, bias);
        if (n > 17) StoreRow(t->C + 17 * ldc, c.C17, beta, bias);
        if (n > 18) StoreRow(t->C + 18 * ldc, c.C18, beta, bias);
        if (n > 19) StoreRow(t->C + 19 * ldc, c.C19, beta, bias);
        if (n > 20) StoreRow(t->C + 20 * ldc, c.C20, beta, bias);
        if (n > 21) StoreRow(t->C + 21 * ldc, c.C21, beta, bias);
        if (n > 22) StoreRow(t->C + 22 * ldc, c.C22, beta, bias);
        if (n > 23) StoreRow(t->C + 23 * ldc, c.C23, beta, bias);
        if (n > 24) StoreRow(t->C + 24 * ldc, c.C24, beta, bias);
        if (n > 25) StoreRow(t->C + 25 * ldc, c.C25, beta, bias);
        if (n > 26) StoreRow(t->C + 26 * ldc, c.C26, beta, bias);
        if (n > 27) StoreRow(t->C + 27 * ldc, c.C27, beta, bias);
    }

    /// <summary>One k step: B row <paramref name="w"/> times the A value of each row, row r at a + r * <see cref="Stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TRows>(ref Accumulators c, float* a, Vector512<float> w) where TRows : struct, ITileRows
    {
        int n = TRows.Value;
        c.C0 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[0 * Stride]), c.C0);
        if (n > 1) c.C1 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[1 * Stride]), c.C1);
        if (n > 2) c.C2 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[2 * Stride]), c.C2);
        if (n > 3) c.C3 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[3 * Stride]), c.C3);
        if (n > 4) c.C4 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[4 * Stride]), c.C4);
        if (n > 5) c.C5 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[5 * Stride]), c.C5);
        if (n > 6) c.C6 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[6 * Stride]), c.C6);
        if (n > 7) c.C7 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[7 * Stride]), c.C7);
        if (n > 8) c.C8 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[8 * Stride]), c.C8);
        if (n > 9) c.C9 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[9 * Stride]), c.C9);
        if (n > 10) c.C10 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[10 * Stride]), c.C10);
        if (n > 11) c.C11 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[11 * Stride]), c.C11);
        if (n > 12) c.C12 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[12 * Stride]), c.C12);
        if (n > 13) c.C13 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[13 * Stride]), c.C13);
        if (n > 14) c.C14 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[14 * Stride]), c.C14);
        if (n > 15) c.C15 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[15 * Stride]), c.C15);
        if (n > 16) c.C16 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[16 * Stride]), c.C16);
        if (n > 17) c.C17 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[17 * Stride]), c.C17);
        if (n > 18) c.C18 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[18 * Stride]), c.C18);
        if (n > 19) c.C19 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[19 * Stride]), c.C19);
        if (n > 20) c.C20 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[20 * Stride]), c.C20);
        if (n > 21) c.C21 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[21 * Stride]), c.C21);
        if (n > 22) c.C22 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[22 * Stride]), c.C22);
        if (n > 23) c.C23 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[23 * Stride]), c.C23);
        if (n > 24) c.C24 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[24 * Stride]), c.C24);
        if (n > 25) c.C25 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[25 * Stride]), c.C25);
        if (n > 26) c.C26 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[26 * Stride]), c.C26);
        if (n > 27) c.C27 = Vector512.FusedMultiplyAdd(w, Vector512.Create(a[27 * Stride]), c.C27);
    }

    /// <summary>The tile's rows of C: a struct the JIT keeps in 28 registers once <see cref="Step{TRows}"/> is inlined.</summary>
    private struct Accumulators
    {
        public Vector512<float> C0;
        public Vector512<float> C1;
        public Vector512<float> C2;
        public Vector512<float> C3;
        public Vector512<float> C4;
        public Vector512<float> C5;
        public Vector512<float> C6;
        public Vector512<float> C7;
        public Vector512<float> C8;
        public Vector512<float> C9;
        public Vector512<float> C10;
        public Vector512<float> C11;
        public Vector512<float> C12;
        public Vector512<float> C13;
        public Vector512<float> C14;
        public Vector512<float> C15;
        public Vector512<float> C16;
        public Vector512<float> C17;
        public Vector512<float> C18;
        public Vector512<float> C19;
        public Vector512<float> C20;
        public Vector512<float> C21;
        public Vector512<float> C22;
        public Vector512<float> C23;
        public Vector512<float> C24;
        public Vector512<float> C25;
        public Vector512<float> C26;
        public Vector512<float> C27;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> sum, float beta, float* bias)
    {
        if (bias != null) sum += Vector512.Load(bias);
        if (beta != 0f) sum = Vector512.FusedMultiplyAdd(Vector512.Load(c), Vector512.Create(beta), sum);
        sum.Store(c);
    }
}
