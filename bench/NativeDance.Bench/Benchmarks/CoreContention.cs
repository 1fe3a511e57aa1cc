using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NativeDance.Bench.Benchmarks;

/// <summary>
/// Tells whether another thread competes for this core's L1 at the moment: times 28 chains of multiply-adds on
/// registers, then the same chains with one operand broadcast from a 30 KB block held in L1 (the tall GEMM kernel's
/// access pattern). A thread of another guest on the same physical core leaves the first loop at full speed and slows
/// the second by 10-20%; on a quiet core both run alike. Needs 512-bit vectors.
/// </summary>
internal sealed unsafe class CoreContention : IDisposable
{
    /// <summary>Below this ratio of the load loop's speed to the register loop's, a moment counts as contended.</summary>
    public const double Threshold = 0.93;

    private const int Rows = 28, RowStride = 528, Depth = 256, Steps = 100_000;
    private readonly float* _block;
    private readonly float* _sink;

    public CoreContention()
    {
        _block = (float*)NativeMemory.AlignedAlloc(Rows * RowStride * sizeof(float), 64);
        _sink = (float*)NativeMemory.AlignedAlloc(64, 64);
        new Span<float>(_block, Rows * RowStride).Fill(1e-7f);
    }

    /// <summary>Whether this machine runs the probe.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>The load loop's speed over the register loop's, measured now (about a millisecond).</summary>
    public double Ratio()
    {
        long start = Stopwatch.GetTimestamp();
        Chains<FromRegisters>(_block, _sink);
        long middle = Stopwatch.GetTimestamp();
        Chains<FromL1>(_block, _sink);
        return (double)(middle - start) / (Stopwatch.GetTimestamp() - middle);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_block);
        NativeMemory.AlignedFree(_sink);
    }

    /// <summary>28 chains of multiply-adds, their second operand a register or (<typeparamref name="TFromL1"/>) a broadcast from the block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Chains<TFromL1>(float* block, float* sink) where TFromL1 : struct, IFlag
    {
        var w = Vector512.Create(0.999f);
        var x = Vector512.Create(block[0]);
        Vector512<float> c0 = x, c1 = x, c2 = x, c3 = x, c4 = x, c5 = x, c6 = x, c7 = x, c8 = x, c9 = x,
            c10 = x, c11 = x, c12 = x, c13 = x, c14 = x, c15 = x, c16 = x, c17 = x, c18 = x, c19 = x,
            c20 = x, c21 = x, c22 = x, c23 = x, c24 = x, c25 = x, c26 = x, c27 = x;
        for (int s = 0; s < Steps; s++)
        {
            float* a = block + (s & (Depth - 1));
            c0 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 0, x), c0);
            c1 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 1, x), c1);
            c2 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 2, x), c2);
            c3 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 3, x), c3);
            c4 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 4, x), c4);
            c5 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 5, x), c5);
            c6 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 6, x), c6);
            c7 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 7, x), c7);
            c8 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 8, x), c8);
            c9 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 9, x), c9);
            c10 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 10, x), c10);
            c11 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 11, x), c11);
            c12 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 12, x), c12);
            c13 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 13, x), c13);
            c14 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 14, x), c14);
            c15 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 15, x), c15);
            c16 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 16, x), c16);
            c17 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 17, x), c17);
            c18 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 18, x), c18);
            c19 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 19, x), c19);
            c20 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 20, x), c20);
            c21 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 21, x), c21);
            c22 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 22, x), c22);
            c23 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 23, x), c23);
            c24 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 24, x), c24);
            c25 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 25, x), c25);
            c26 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 26, x), c26);
            c27 = Vector512.FusedMultiplyAdd(w, Operand<TFromL1>(a, 27, x), c27);
        }
        (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13
            + c14 + c15 + c16 + c17 + c18 + c19 + c20 + c21 + c22 + c23 + c24 + c25 + c26 + c27).Store(sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Operand<TFromL1>(float* a, int row, Vector512<float> x) where TFromL1 : struct, IFlag
        => TFromL1.Value ? Vector512.Create(a[row * RowStride]) : x;

    private interface IFlag
    {
        static abstract bool Value { get; }
    }

    private readonly struct FromL1 : IFlag
    {
        public static bool Value => true;
    }

    private readonly struct FromRegisters : IFlag
    {
        public static bool Value => false;
    }
}
