using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The inner loop of the plane form of <see cref="SparseInputConv3d"/>: one input line, one temporal tap, one pass of
/// V = 1 or 2 vectors over Cout. Walking the line, each entry of pixel iw is multiplied by its nine weight rows
/// (kh, kw) and added into output pixel iw + pw - kw of the three output rows that tap rows kh = 0, 1, 2 reach; per
/// row the sums of three pixels sit in registers as a sliding window (as in <see cref="SparseInputWindow{TOps, TVec}"/>),
/// 9 x V accumulators in all. One broadcast feeds 9 x V multiply-adds on independent chains, and the per-pixel cost
/// (storing the finished pixel, loading the next, the loop's exit) is shared by three rows.
/// </summary>
internal static unsafe class SparseInputPlaneSweep
{
    /// <summary>
    /// Adds the entries [starts[0], starts[width]) of one line (values and slab offsets) times the slab
    /// <paramref name="w"/> ([ci][kh][kw][V x 16], see <see cref="SparseInputPlaneWeights"/>) to rows
    /// <paramref name="row0"/>, <paramref name="row1"/>, <paramref name="row2"/> (tap rows kh = 0, 1, 2; pixel wo at
    /// row + wo * <paramref name="stride"/>, with the guard slots of <see cref="SparseInputWindow{TOps, TVec}"/> on
    /// either side). Returns the entries visited, each counted once per real output pixel it reaches in a row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Sweep<TS>(float* w, float* values, int* offsets, int* starts, int width, int padding, int outputs,
        float* row0, float* row1, float* row2, int stride) where TS : struct, ISumVectors
    {
        const int L = 16;
        int v = TS.Vectors, tap = v * L;
        // Per row r: a = output pixel iw + pw - 2 (tap kw = 2), b = iw + pw - 1 (kw = 1), c = iw + pw (kw = 0).
        nint slot = (nint)(padding - 2) * stride;
        Vector512<float> a00 = Load(row0 + slot), a01 = v > 1 ? Load(row0 + slot + L) : default;
        Vector512<float> a10 = Load(row1 + slot), a11 = v > 1 ? Load(row1 + slot + L) : default;
        Vector512<float> a20 = Load(row2 + slot), a21 = v > 1 ? Load(row2 + slot + L) : default;
        nint next = slot + stride;
        Vector512<float> b00 = Load(row0 + next), b01 = v > 1 ? Load(row0 + next + L) : default;
        Vector512<float> b10 = Load(row1 + next), b11 = v > 1 ? Load(row1 + next + L) : default;
        Vector512<float> b20 = Load(row2 + next), b21 = v > 1 ? Load(row2 + next + L) : default;
        next += stride;
        Vector512<float> c00 = Load(row0 + next), c01 = v > 1 ? Load(row0 + next + L) : default;
        Vector512<float> c10 = Load(row1 + next), c11 = v > 1 ? Load(row1 + next + L) : default;
        Vector512<float> c20 = Load(row2 + next), c21 = v > 1 ? Load(row2 + next + L) : default;
        long visited = 0;
        for (int iw = 0; iw < width; iw++, slot += stride)
        {
            int k = starts[iw], end = starts[iw + 1];
            int reach = Math.Min(iw + padding, outputs - 1) - Math.Max(iw + padding - 2, 0) + 1;
            visited += (long)(end - k) * Math.Max(reach, 0);
            for (; k < end; k++)
            {
                var x = Vector512.Create(values[k]);
                float* q = w + offsets[k];
                // Tap (kh, kw) at q + (3 kh + kw) * tap: kw = 0 feeds c, 1 feeds b, 2 feeds a.
                c00 = Vector512.FusedMultiplyAdd(x, Load(q), c00);
                b00 = Vector512.FusedMultiplyAdd(x, Load(q + tap), b00);
                a00 = Vector512.FusedMultiplyAdd(x, Load(q + 2 * tap), a00);
                c10 = Vector512.FusedMultiplyAdd(x, Load(q + 3 * tap), c10);
                b10 = Vector512.FusedMultiplyAdd(x, Load(q + 4 * tap), b10);
                a10 = Vector512.FusedMultiplyAdd(x, Load(q + 5 * tap), a10);
                c20 = Vector512.FusedMultiplyAdd(x, Load(q + 6 * tap), c20);
                b20 = Vector512.FusedMultiplyAdd(x, Load(q + 7 * tap), b20);
                a20 = Vector512.FusedMultiplyAdd(x, Load(q + 8 * tap), a20);
                if (v > 1)
                {
                    c01 = Vector512.FusedMultiplyAdd(x, Load(q + L), c01);
                    b01 = Vector512.FusedMultiplyAdd(x, Load(q + tap + L), b01);
                    a01 = Vector512.FusedMultiplyAdd(x, Load(q + 2 * tap + L), a01);
                    c11 = Vector512.FusedMultiplyAdd(x, Load(q + 3 * tap + L), c11);
                    b11 = Vector512.FusedMultiplyAdd(x, Load(q + 4 * tap + L), b11);
                    a11 = Vector512.FusedMultiplyAdd(x, Load(q + 5 * tap + L), a11);
                    c21 = Vector512.FusedMultiplyAdd(x, Load(q + 6 * tap + L), c21);
                    b21 = Vector512.FusedMultiplyAdd(x, Load(q + 7 * tap + L), b21);
                    a21 = Vector512.FusedMultiplyAdd(x, Load(q + 8 * tap + L), a21);
                }
            }
            // Output pixel iw + pw - 2 has all its taps from this line: store it, slide every row's window by one.
            Store<TS>(row0 + slot, a00, a01);
            Store<TS>(row1 + slot, a10, a11);
            Store<TS>(row2 + slot, a20, a21);
            (a00, a01, b00, b01) = (b00, b01, c00, c01);
            (a10, a11, b10, b11) = (b10, b11, c10, c11);
            (a20, a21, b20, b21) = (b20, b21, c20, c21);
            next = slot + 3 * stride;
            c00 = Load(row0 + next);
            c10 = Load(row1 + next);
            c20 = Load(row2 + next);
            if (v > 1)
            {
                c01 = Load(row0 + next + L);
                c11 = Load(row1 + next + L);
                c21 = Load(row2 + next + L);
            }
        }
        Store<TS>(row0 + slot, a00, a01);
        Store<TS>(row1 + slot, a10, a11);
        Store<TS>(row2 + slot, a20, a21);
        slot += stride;
        Store<TS>(row0 + slot, b00, b01);
        Store<TS>(row1 + slot, b10, b11);
        Store<TS>(row2 + slot, b20, b21);
        return visited;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS>(float* destination, Vector512<float> s0, Vector512<float> s1) where TS : struct, ISumVectors
    {
        s0.Store(destination);
        if (TS.Vectors > 1) s1.Store(destination + 16);
    }
}
