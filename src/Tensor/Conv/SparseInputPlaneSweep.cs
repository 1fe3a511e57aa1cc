using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The inner loop of the plane form of <see cref="SparseInputConv3d"/>: one input line, one temporal tap, one pass of
/// V = 1 or 2 vectors over Cout. Walking the line, each entry of pixel iw is multiplied by its nine weight rows
/// (kh, kw) and added into output pixel iw + pw - kw of the three output rows that tap rows kh = 0, 1, 2 reach; per
/// row the sums of three pixels sit in registers as a sliding window (as in <see cref="SparseInputWindow{TOps, TVec}"/>),
/// 9 x V accumulators in all. One broadcast feeds 9 x V multiply-adds on independent chains, and the per-pixel cost
/// (storing the finished pixel, loading the next, the loop's exit) is shared by three rows. Tap rows that land outside
/// the output frame (the first and last lines of a padded plane) are left out (<see cref="IPlaneRows"/>). V = 2 needs
/// 18 accumulators, so only AVX-512's 32 registers take it; AVX2's 16 hold V = 1 (9 accumulators and the broadcast).
/// </summary>
internal static unsafe class SparseInputPlaneSweep<TOps, TVec> where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    /// <summary>
    /// Adds the entries of one line (<see cref="LineEntries"/>: pixel iw's are [starts[iw * pixel stride], starts[iw * pixel stride + span]))
    /// times the slab ([ci][kh][kw][V x lanes], see <see cref="SparseInputPlaneWeights"/>) to rows
    /// <paramref name="row0"/>, <paramref name="row1"/>, <paramref name="row2"/> (tap rows kh = 0, 1, 2; pixel wo at
    /// row + wo * <paramref name="stride"/>, with the guard slots of <see cref="SparseInputWindow{TOps, TVec}"/> on
    /// either side); rows <typeparamref name="TRows"/> leaves out are neither read nor written. (The multiply-adds that
    /// count are tallied by the compaction, <see cref="SparseInputPlaneCompaction"/>.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sweep<TS, TRows>(in LineEntries line, int width, int padding,
        float* row0, float* row1, float* row2, int stride) where TS : struct, ISumVectors where TRows : struct, IPlaneRows
    {
        float* w = line.Slab, values = line.Values;
        int* offsets = line.Offsets, starts = line.Starts;
        int pixelStride = line.PixelStride, span = line.Span;
        int l = TOps.Lanes, v = TS.Vectors, tap = v * l;
        bool r0 = TRows.Row0, r2 = TRows.Row2;
        // Per row r: a = output pixel iw + pw - 2 (tap kw = 2), b = iw + pw - 1 (kw = 1), c = iw + pw (kw = 0).
        nint slot = (nint)(padding - 2) * stride;
        TVec a00 = r0 ? TOps.Load(row0 + slot) : TOps.Zero, a01 = r0 && v > 1 ? TOps.Load(row0 + slot + l) : TOps.Zero;
        TVec a10 = TOps.Load(row1 + slot), a11 = v > 1 ? TOps.Load(row1 + slot + l) : TOps.Zero;
        TVec a20 = r2 ? TOps.Load(row2 + slot) : TOps.Zero, a21 = r2 && v > 1 ? TOps.Load(row2 + slot + l) : TOps.Zero;
        nint next = slot + stride;
        TVec b00 = r0 ? TOps.Load(row0 + next) : TOps.Zero, b01 = r0 && v > 1 ? TOps.Load(row0 + next + l) : TOps.Zero;
        TVec b10 = TOps.Load(row1 + next), b11 = v > 1 ? TOps.Load(row1 + next + l) : TOps.Zero;
        TVec b20 = r2 ? TOps.Load(row2 + next) : TOps.Zero, b21 = r2 && v > 1 ? TOps.Load(row2 + next + l) : TOps.Zero;
        next += stride;
        TVec c00 = r0 ? TOps.Load(row0 + next) : TOps.Zero, c01 = r0 && v > 1 ? TOps.Load(row0 + next + l) : TOps.Zero;
        TVec c10 = TOps.Load(row1 + next), c11 = v > 1 ? TOps.Load(row1 + next + l) : TOps.Zero;
        TVec c20 = r2 ? TOps.Load(row2 + next) : TOps.Zero, c21 = r2 && v > 1 ? TOps.Load(row2 + next + l) : TOps.Zero;
        for (int iw = 0; iw < width; iw++, slot += stride)
        {
            int k = starts[iw * pixelStride], end = starts[iw * pixelStride + span];
            // With padding 1 the first pixel's kw = 2 tap (a) and the last pixel's kw = 0 tap (c) land in guard slots: skipped.
            bool useA = padding != 1 || iw > 0, useC = padding != 1 || iw < width - 1;
            for (; k < end; k++)
            {
                var x = TOps.Broadcast(values[k]);
                float* q = w + offsets[k];
                // Tap (kh, kw) at q + (3 kh + kw) * tap: kw = 0 feeds c, 1 feeds b, 2 feeds a.
                if (useC)
                {
                    if (r0) c00 = TOps.MultiplyAdd(x, TOps.Load(q), c00);
                    c10 = TOps.MultiplyAdd(x, TOps.Load(q + 3 * tap), c10);
                    if (r2) c20 = TOps.MultiplyAdd(x, TOps.Load(q + 6 * tap), c20);
                    if (v > 1)
                    {
                        if (r0) c01 = TOps.MultiplyAdd(x, TOps.Load(q + l), c01);
                        c11 = TOps.MultiplyAdd(x, TOps.Load(q + 3 * tap + l), c11);
                        if (r2) c21 = TOps.MultiplyAdd(x, TOps.Load(q + 6 * tap + l), c21);
                    }
                }
                if (r0) b00 = TOps.MultiplyAdd(x, TOps.Load(q + tap), b00);
                b10 = TOps.MultiplyAdd(x, TOps.Load(q + 4 * tap), b10);
                if (r2) b20 = TOps.MultiplyAdd(x, TOps.Load(q + 7 * tap), b20);
                if (v > 1)
                {
                    if (r0) b01 = TOps.MultiplyAdd(x, TOps.Load(q + tap + l), b01);
                    b11 = TOps.MultiplyAdd(x, TOps.Load(q + 4 * tap + l), b11);
                    if (r2) b21 = TOps.MultiplyAdd(x, TOps.Load(q + 7 * tap + l), b21);
                }
                if (useA)
                {
                    if (r0) a00 = TOps.MultiplyAdd(x, TOps.Load(q + 2 * tap), a00);
                    a10 = TOps.MultiplyAdd(x, TOps.Load(q + 5 * tap), a10);
                    if (r2) a20 = TOps.MultiplyAdd(x, TOps.Load(q + 8 * tap), a20);
                    if (v > 1)
                    {
                        if (r0) a01 = TOps.MultiplyAdd(x, TOps.Load(q + 2 * tap + l), a01);
                        a11 = TOps.MultiplyAdd(x, TOps.Load(q + 5 * tap + l), a11);
                        if (r2) a21 = TOps.MultiplyAdd(x, TOps.Load(q + 8 * tap + l), a21);
                    }
                }
            }
            // Output pixel iw + pw - 2 has all its taps from this line: store it, slide every row's window by one.
            if (r0) Store<TS>(row0 + slot, a00, a01);
            Store<TS>(row1 + slot, a10, a11);
            if (r2) Store<TS>(row2 + slot, a20, a21);
            (a00, a01, b00, b01) = (b00, b01, c00, c01);
            (a10, a11, b10, b11) = (b10, b11, c10, c11);
            (a20, a21, b20, b21) = (b20, b21, c20, c21);
            next = slot + 3 * stride;
            if (r0) c00 = TOps.Load(row0 + next);
            c10 = TOps.Load(row1 + next);
            if (r2) c20 = TOps.Load(row2 + next);
            if (v > 1)
            {
                if (r0) c01 = TOps.Load(row0 + next + l);
                c11 = TOps.Load(row1 + next + l);
                if (r2) c21 = TOps.Load(row2 + next + l);
            }
        }
        if (r0) Store<TS>(row0 + slot, a00, a01);
        Store<TS>(row1 + slot, a10, a11);
        if (r2) Store<TS>(row2 + slot, a20, a21);
        slot += stride;
        if (r0) Store<TS>(row0 + slot, b00, b01);
        Store<TS>(row1 + slot, b10, b11);
        if (r2) Store<TS>(row2 + slot, b20, b21);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS>(float* destination, TVec s0, TVec s1) where TS : struct, ISumVectors
    {
        TOps.Store(destination, s0);
        if (TS.Vectors > 1) TOps.Store(destination + TOps.Lanes, s1);
    }
}

/// <summary>
/// One input line's entries for <see cref="SparseInputPlaneSweep{TOps, TVec}"/>: values and slab offsets, and per pixel
/// the starts of its channel blocks (<see cref="PixelStride"/> of them, see <see cref="SparseInputPlaneCompaction"/>),
/// of which the sweep takes <see cref="Span"/> consecutive blocks from <see cref="Starts"/> on; and the slab of the
/// temporal tap.
/// </summary>
internal readonly unsafe struct LineEntries(float* slab, float* values, int* offsets, int* starts, int pixelStride, int span)
{
    public float* Slab { get; } = slab;
    public float* Values { get; } = values;
    public int* Offsets { get; } = offsets;
    public int* Starts { get; } = starts;
    public int PixelStride { get; } = pixelStride;
    public int Span { get; } = span;
}

/// <summary>Which of a sweep's three output rows (tap rows kh = 0, 1, 2) it computes, as a type, so each set compiles to its own loop.</summary>
internal interface IPlaneRows
{
    static abstract bool Row0 { get; }

    static abstract bool Row2 { get; }
}

/// <summary>All three rows.</summary>
internal readonly struct AllRows : IPlaneRows
{
    public static bool Row0 => true;

    public static bool Row2 => true;
}

/// <summary>Rows kh = 1, 2: tap row 0 lands below the frame (the last input line).</summary>
internal readonly struct LowerRows : IPlaneRows
{
    public static bool Row0 => false;

    public static bool Row2 => true;
}

/// <summary>Rows kh = 0, 1: tap row 2 lands above the frame (the first input line).</summary>
internal readonly struct UpperRows : IPlaneRows
{
    public static bool Row0 => true;

    public static bool Row2 => false;
}
