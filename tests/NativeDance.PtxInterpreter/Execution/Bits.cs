using System.Runtime.CompilerServices;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>Register slot bit patterns: a 64-bit slot holds an f32 in its low 32 bits and a predicate in bit 0.</summary>
internal static class Bits
{
    /// <summary>Canonical NaN a GPU produces for an f32 operation with a NaN result.</summary>
    public const uint CanonicalNaN32 = 0x7FFFFFFF;

    /// <summary>The f32 in the low 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F32(ulong slot) => BitConverter.UInt32BitsToSingle((uint)slot);

    /// <summary>The f64 in the slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double F64(ulong slot) => BitConverter.UInt64BitsToDouble(slot);

    /// <summary>Slot bits of an f32 result (NaN results become the canonical NaN, as on the GPU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(float value) => float.IsNaN(value) ? CanonicalNaN32 : BitConverter.SingleToUInt32Bits(value);

    /// <summary>Slot bits of an f64 result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(double value) => BitConverter.DoubleToUInt64Bits(value);

    /// <summary>Slot bits of a predicate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(bool value) => value ? 1UL : 0UL;

    /// <summary>Truth of a predicate slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Pred(ulong slot) => (slot & 1) != 0;

    /// <summary>Flushes an f32 subnormal to a zero of the same sign (.ftz).</summary>
    public static float FlushSubnormal(float value) => float.IsSubnormal(value) ? (value < 0 ? -0f : 0f) : value;
}
