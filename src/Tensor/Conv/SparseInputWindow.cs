using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The scatter form of <see cref="SparseInputConv3d"/> for the common row shape kW = 3, stride 1, dilation 1 along W:
/// walking one input line, each entry of pixel iw is multiplied by its three weight rows (kw = 0, 1, 2) and added
/// into output pixels iw + pw - kw, whose sums sit in registers as a sliding window of three pixels; when the walk
/// leaves a pixel, the oldest sums are complete for this tap row and go back to the scratch row, and the next
/// pixel's are loaded. One broadcast serves 3 x V multiply-adds, and each pixel's entries are one loop, where the
/// gather form reads every entry three times. Sums for the two pixels past either end of the output row land in
/// guard slots of the scratch row that are never copied out.
/// </summary>
internal static unsafe class SparseInputWindow<TOps, TVec> where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    /// <summary>Scratch slots past each end of the output row the window may touch: 2 before, 3 after.</summary>
    public const int GuardsBefore = 2, GuardsAfter = 3;

    /// <summary>
    /// Adds line <paramref name="starts"/>'s entries times the weights of taps kw at <paramref name="w0"/> +
    /// kw * <paramref name="kwStride"/> to lanes [0, V lanes) of output pixels <paramref name="y"/> + wo * <paramref name="stride"/>.
    /// Returns the entries visited, each counted once per real output pixel it reaches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Sweep<TS>(float* w0, nint kwStride, SparseEntry* slots, int* starts, int width, int padding, int outputs, float* y, int stride)
        where TS : struct, ISumVectors
    {
        int l = TOps.Lanes, v = TS.Vectors;
        float* w1 = w0 + kwStride, w2 = w1 + kwStride;
        // a: sums of output pixel iw + pw - 2 (tap kw = 2), b: iw + pw - 1, c: iw + pw (kw = 0).
        float* slot = y + (nint)(padding - 2) * stride;
        TVec a0 = TOps.Load(slot), a1 = v > 1 ? TOps.Load(slot + l) : TOps.Zero;
        TVec a2 = v > 2 ? TOps.Load(slot + 2 * l) : TOps.Zero, a3 = v > 2 ? TOps.Load(slot + 3 * l) : TOps.Zero;
        TVec a4 = v > 4 ? TOps.Load(slot + 4 * l) : TOps.Zero, a5 = v > 4 ? TOps.Load(slot + 5 * l) : TOps.Zero;
        TVec a6 = v > 4 ? TOps.Load(slot + 6 * l) : TOps.Zero, a7 = v > 4 ? TOps.Load(slot + 7 * l) : TOps.Zero;
        float* next = slot + stride;
        TVec b0 = TOps.Load(next), b1 = v > 1 ? TOps.Load(next + l) : TOps.Zero;
        TVec b2 = v > 2 ? TOps.Load(next + 2 * l) : TOps.Zero, b3 = v > 2 ? TOps.Load(next + 3 * l) : TOps.Zero;
        TVec b4 = v > 4 ? TOps.Load(next + 4 * l) : TOps.Zero, b5 = v > 4 ? TOps.Load(next + 5 * l) : TOps.Zero;
        TVec b6 = v > 4 ? TOps.Load(next + 6 * l) : TOps.Zero, b7 = v > 4 ? TOps.Load(next + 7 * l) : TOps.Zero;
        next += stride;
        TVec c0 = TOps.Load(next), c1 = v > 1 ? TOps.Load(next + l) : TOps.Zero;
        TVec c2 = v > 2 ? TOps.Load(next + 2 * l) : TOps.Zero, c3 = v > 2 ? TOps.Load(next + 3 * l) : TOps.Zero;
        TVec c4 = v > 4 ? TOps.Load(next + 4 * l) : TOps.Zero, c5 = v > 4 ? TOps.Load(next + 5 * l) : TOps.Zero;
        TVec c6 = v > 4 ? TOps.Load(next + 6 * l) : TOps.Zero, c7 = v > 4 ? TOps.Load(next + 7 * l) : TOps.Zero;
        long visited = 0;
        for (int iw = 0; iw < width; iw++, slot += stride)
        {
            int k = starts[iw], end = starts[iw + 1];
            int reach = Math.Min(iw + padding, outputs - 1) - Math.Max(iw + padding - 2, 0) + 1;
            visited += (long)(end - k) * Math.Max(reach, 0);
            for (; k < end; k++)
            {
                TVec x = TOps.Broadcast(slots[k].Value);
                nint o = slots[k].WeightOffset;
                a0 = TOps.MultiplyAdd(x, TOps.Load(w2 + o), a0);
                b0 = TOps.MultiplyAdd(x, TOps.Load(w1 + o), b0);
                c0 = TOps.MultiplyAdd(x, TOps.Load(w0 + o), c0);
                if (v > 1)
                {
                    a1 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + l), a1);
                    b1 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + l), b1);
                    c1 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + l), c1);
                }
                if (v > 2)
                {
                    a2 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + 2 * l), a2);
                    b2 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + 2 * l), b2);
                    c2 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + 2 * l), c2);
                    a3 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + 3 * l), a3);
                    b3 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + 3 * l), b3);
                    c3 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + 3 * l), c3);
                }
                if (v > 4)
                {
                    a4 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + 4 * l), a4);
                    b4 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + 4 * l), b4);
                    c4 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + 4 * l), c4);
                    a5 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + 5 * l), a5);
                    b5 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + 5 * l), b5);
                    c5 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + 5 * l), c5);
                    a6 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + 6 * l), a6);
                    b6 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + 6 * l), b6);
                    c6 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + 6 * l), c6);
                    a7 = TOps.MultiplyAdd(x, TOps.Load(w2 + o + 7 * l), a7);
                    b7 = TOps.MultiplyAdd(x, TOps.Load(w1 + o + 7 * l), b7);
                    c7 = TOps.MultiplyAdd(x, TOps.Load(w0 + o + 7 * l), c7);
                }
            }
            // Output pixel iw + pw - 2 has all three taps of this row: store it, slide the window by one pixel.
            Store<TS>(slot, a0, a1, a2, a3, a4, a5, a6, a7);
            (a0, a1, a2, a3, a4, a5, a6, a7) = (b0, b1, b2, b3, b4, b5, b6, b7);
            (b0, b1, b2, b3, b4, b5, b6, b7) = (c0, c1, c2, c3, c4, c5, c6, c7);
            next = slot + 3 * stride;
            c0 = TOps.Load(next);
            if (v > 1) c1 = TOps.Load(next + l);
            if (v > 2)
            {
                c2 = TOps.Load(next + 2 * l);
                c3 = TOps.Load(next + 3 * l);
            }
            if (v > 4)
            {
                c4 = TOps.Load(next + 4 * l);
                c5 = TOps.Load(next + 5 * l);
                c6 = TOps.Load(next + 6 * l);
                c7 = TOps.Load(next + 7 * l);
            }
        }
        Store<TS>(slot, a0, a1, a2, a3, a4, a5, a6, a7);
        Store<TS>(slot + stride, b0, b1, b2, b3, b4, b5, b6, b7);
        return visited;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS>(float* y, TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7) where TS : struct, ISumVectors
    {
        int l = TOps.Lanes, v = TS.Vectors;
        TOps.Store(y, s0);
        if (v > 1) TOps.Store(y + l, s1);
        if (v > 2)
        {
            TOps.Store(y + 2 * l, s2);
            TOps.Store(y + 3 * l, s3);
        }
        if (v > 4)
        {
            TOps.Store(y + 4 * l, s4);
            TOps.Store(y + 5 * l, s5);
            TOps.Store(y + 6 * l, s6);
            TOps.Store(y + 7 * l, s7);
        }
    }
}
