using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>The new memory value of an atom/red operation.</summary>
internal static class AtomicOps
{
    /// <summary>Combines the old memory value with operand <paramref name="b"/> (and <paramref name="c"/> for cas).
    /// atom.add.f32 flushes subnormal inputs and results to zero, as the PTX ISA specifies.</summary>
    public static ulong Apply(AtomicOp op, PtxType type, ulong old, ulong b, ulong c) => op switch
    {
        AtomicOp.Add => type switch
        {
            PtxType.F32 => Bits.Of(Bits.FlushSubnormal(Bits.FlushSubnormal(Bits.F32(old)) + Bits.FlushSubnormal(Bits.F32(b)))),
            PtxType.F64 => Bits.Of(Bits.F64(old) + Bits.F64(b)),
            _ => old + b,
        },
        AtomicOp.Min => type switch
        {
            PtxType.S32 => (uint)Math.Min((int)old, (int)b),
            PtxType.U32 => Math.Min((uint)old, (uint)b),
            PtxType.S64 => (ulong)Math.Min((long)old, (long)b),
            _ => Math.Min(old, b),
        },
        AtomicOp.Max => type switch
        {
            PtxType.S32 => (uint)Math.Max((int)old, (int)b),
            PtxType.U32 => Math.Max((uint)old, (uint)b),
            PtxType.S64 => (ulong)Math.Max((long)old, (long)b),
            _ => Math.Max(old, b),
        },
        AtomicOp.Cas => (type.Size() == 4 ? (uint)old == (uint)b : old == b) ? c : old,
        AtomicOp.Exch => b,
        AtomicOp.And => old & b,
        AtomicOp.Or => old | b,
        _ => old ^ b,
    };
}
