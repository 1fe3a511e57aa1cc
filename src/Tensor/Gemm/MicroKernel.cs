using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// One contiguous run of the reduction dimension: for p in [0, length), row r of a tile reads
/// A[r * lda + AOffset + p] and multiplies it with row K + p of the B panel.
/// </summary>
internal struct KSegment
{
    public nint AOffset;
    public nint K;
}

/// <summary>
/// Everything one register tile needs; see <see cref="IMicroKernel"/>. "Columns" below are the kernel's
/// (<see cref="IMicroKernel.Columns"/>).
/// </summary>
internal unsafe struct TileArgs
{
    /// <summary>Row r of the tile reads from A + r * Lda (+ each segment's offset). A is read in place, never packed by the kernel.</summary>
    public float* A;
    public nint Lda;
    public KSegment* Segments;
    public int SegmentCount;
    /// <summary>Length of every segment.</summary>
    public int Length;
    /// <summary>Packed B panel: row k holds the tile's columns at B + k * columns.</summary>
    public float* B;
    /// <summary>Row r of the tile is written at C + r * Ldc, one value per column.</summary>
    public float* C;
    public nint Ldc;
    /// <summary>C = A * B + Beta * C; with Beta == 0, C is not read (NaN there does not propagate).</summary>
    public float Beta;
    /// <summary>One value per column added to every row, or null.</summary>
    public float* Bias;
}

/// <summary>
/// The register-blocked GEMM microkernel, written once for every SIMD width: a TRows x (2 * Lanes) tile of C
/// is accumulated in 2 * TRows registers over a list of K segments, then stored once with beta and bias
/// applied. Each step loads two vectors of a packed B panel (prefetched a few steps ahead) and broadcasts one A
/// value per row. A is read through row pointers with a stride, so a conv can hand it rows of its input in place
/// (implicit GEMM, no im2col).
/// </summary>
internal static unsafe class MicroKernel<TOps, TVec>
    where TOps : IVectorOps<TVec>
    where TVec : unmanaged
{
    /// <summary>Columns of a tile.</summary>
    public static int Columns => 2 * TOps.Lanes;

    /// <summary>
    /// How many k steps ahead the loop prefetches its B rows (3 KB at AVX-512). The B panel is read once front to
    /// back per tile; when it comes from L2 (plain GEMM streams its panels past an A tile held in L1, a conv's
    /// panel of all its taps outgrows L1) the hardware prefetcher alone leaves the FMAs waiting on it.
    /// </summary>
    private const int PrefetchSteps = 24;

    /// <summary>Floats in a 64-byte cache line: a B row of the AVX-512 tile spans two.</summary>
    private const int FloatsPerLine = 16;

    /// <summary>Runs the instantiation for <paramref name="rows"/> (1 to <see cref="IVectorOps{TVec}.MaxRows"/>).</summary>
    public static void Run(int rows, TileArgs* t)
    {
        if ((uint)(rows - 1) >= (uint)TOps.MaxRows)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"A tile has 1 to {TOps.MaxRows} rows.");
        TileRowsSwitch.Run<Specialised>(rows, t);
    }

    /// <summary>The kernel's instantiations, as <see cref="TileRowsSwitch"/> runs them.</summary>
    private readonly struct Specialised : IRowSpecialised
    {
        public static void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows => MicroKernel<TOps, TVec>.Run<TRows>(t);
    }

    // Rows are addressed from five pointers (rows 0, 3, 6, 9, 12) plus lda or 2 * lda, which x86 encodes as
    // base + index * scale: nine general registers in the loop instead of fourteen row pointers that would spill.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows
    {
        int rows = TRows.Value;
        int lanes = TOps.Lanes;
        int columns = Columns;
        nint lda = t->Lda, lda2 = 2 * lda;
        int length = t->Length;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero, c20 = TOps.Zero, c21 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c40 = TOps.Zero, c41 = TOps.Zero, c50 = TOps.Zero, c51 = TOps.Zero;
        TVec c60 = TOps.Zero, c61 = TOps.Zero, c70 = TOps.Zero, c71 = TOps.Zero, c80 = TOps.Zero, c81 = TOps.Zero;
        TVec c90 = TOps.Zero, c91 = TOps.Zero, ca0 = TOps.Zero, ca1 = TOps.Zero, cb0 = TOps.Zero, cb1 = TOps.Zero;
        TVec cc0 = TOps.Zero, cc1 = TOps.Zero, cd0 = TOps.Zero, cd1 = TOps.Zero;
        float* c = t->C;
        nint ldc = t->Ldc;
        // Pull the tile's C rows into L1 now, so the stores at the end do not each wait for a line from memory:
        // conv outputs (tens of MB) are written once, and a burst of 24 store misses would stall the tile.
        if (Sse.IsSupported)
        {
            for (int r = 0; r < rows; r++)
            {
                Sse.Prefetch0(c + r * ldc);
                Sse.Prefetch0(c + r * ldc + Columns - 1);
            }
        }
        KSegment* segment = t->Segments, segmentEnd = segment + t->SegmentCount;
        for (; segment < segmentEnd; segment++)
        {
            float* a0 = t->A + segment->AOffset;
            float* a3 = a0 + 3 * lda, a6 = a0 + 6 * lda, a9 = a0 + 9 * lda, a12 = a0 + 12 * lda;
            float* b = t->B + segment->K * columns;
            for (int p = 0; p < length; p++)
            {
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(b + PrefetchSteps * columns);
                    if (columns > FloatsPerLine) Sse.Prefetch0(b + PrefetchSteps * columns + FloatsPerLine);
                }
                TVec b0 = TOps.Load(b), b1 = TOps.Load(b + lanes);
                TVec x = TOps.Broadcast(*a0);
                c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
                if (rows > 1) { x = TOps.Broadcast(a0[lda]); c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11); }
                if (rows > 2) { x = TOps.Broadcast(a0[lda2]); c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21); }
                if (rows > 3) { x = TOps.Broadcast(*a3); c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31); }
                if (rows > 4) { x = TOps.Broadcast(a3[lda]); c40 = TOps.MultiplyAdd(x, b0, c40); c41 = TOps.MultiplyAdd(x, b1, c41); }
                if (rows > 5) { x = TOps.Broadcast(a3[lda2]); c50 = TOps.MultiplyAdd(x, b0, c50); c51 = TOps.MultiplyAdd(x, b1, c51); }
                if (rows > 6) { x = TOps.Broadcast(*a6); c60 = TOps.MultiplyAdd(x, b0, c60); c61 = TOps.MultiplyAdd(x, b1, c61); }
                if (rows > 7) { x = TOps.Broadcast(a6[lda]); c70 = TOps.MultiplyAdd(x, b0, c70); c71 = TOps.MultiplyAdd(x, b1, c71); }
                if (rows > 8) { x = TOps.Broadcast(a6[lda2]); c80 = TOps.MultiplyAdd(x, b0, c80); c81 = TOps.MultiplyAdd(x, b1, c81); }
                if (rows > 9) { x = TOps.Broadcast(*a9); c90 = TOps.MultiplyAdd(x, b0, c90); c91 = TOps.MultiplyAdd(x, b1, c91); }
                if (rows > 10) { x = TOps.Broadcast(a9[lda]); ca0 = TOps.MultiplyAdd(x, b0, ca0); ca1 = TOps.MultiplyAdd(x, b1, ca1); }
                if (rows > 11) { x = TOps.Broadcast(a9[lda2]); cb0 = TOps.MultiplyAdd(x, b0, cb0); cb1 = TOps.MultiplyAdd(x, b1, cb1); }
                if (rows > 12) { x = TOps.Broadcast(*a12); cc0 = TOps.MultiplyAdd(x, b0, cc0); cc1 = TOps.MultiplyAdd(x, b1, cc1); }
                if (rows > 13) { x = TOps.Broadcast(a12[lda]); cd0 = TOps.MultiplyAdd(x, b0, cd0); cd1 = TOps.MultiplyAdd(x, b1, cd1); }
                a0++;
                if (rows > 3) a3++;
                if (rows > 6) a6++;
                if (rows > 9) a9++;
                if (rows > 12) a12++;
                b += columns;
            }
        }

        float beta = t->Beta;
        float* bias = t->Bias;
        StoreRow(c, c00, c01, beta, bias);
        if (rows > 1) StoreRow(c + ldc, c10, c11, beta, bias);
        if (rows > 2) StoreRow(c + 2 * ldc, c20, c21, beta, bias);
        if (rows > 3) StoreRow(c + 3 * ldc, c30, c31, beta, bias);
        if (rows > 4) StoreRow(c + 4 * ldc, c40, c41, beta, bias);
        if (rows > 5) StoreRow(c + 5 * ldc, c50, c51, beta, bias);
        if (rows > 6) StoreRow(c + 6 * ldc, c60, c61, beta, bias);
        if (rows > 7) StoreRow(c + 7 * ldc, c70, c71, beta, bias);
        if (rows > 8) StoreRow(c + 8 * ldc, c80, c81, beta, bias);
        if (rows > 9) StoreRow(c + 9 * ldc, c90, c91, beta, bias);
        if (rows > 10) StoreRow(c + 10 * ldc, ca0, ca1, beta, bias);
        if (rows > 11) StoreRow(c + 11 * ldc, cb0, cb1, beta, bias);
        if (rows > 12) StoreRow(c + 12 * ldc, cc0, cc1, beta, bias);
        if (rows > 13) StoreRow(c + 13 * ldc, cd0, cd1, beta, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, TVec low, TVec high, float beta, float* bias)
    {
        int lanes = TOps.Lanes;
        if (bias != null)
        {
            low = TOps.Add(low, TOps.Load(bias));
            high = TOps.Add(high, TOps.Load(bias + lanes));
        }
        if (beta != 0f)
        {
            TVec b = TOps.Broadcast(beta);
            low = TOps.MultiplyAdd(TOps.Load(c), b, low);
            high = TOps.MultiplyAdd(TOps.Load(c + lanes), b, high);
        }
        TOps.Store(c, low);
        TOps.Store(c + lanes, high);
    }
}
