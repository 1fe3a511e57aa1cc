using System.Runtime.CompilerServices;

namespace NativeDance.PtxInterpreter.Program;

/// <summary>Up to four register slots of a vector operand ({%f1, %f2, %f3, %f4}); a scalar ld/st uses element 0.</summary>
[InlineArray(4)]
internal struct RegisterVector
{
    private int _element0;
}

/// <summary>
/// One decoded PTX instruction. Every source operand is a register slot: immediates, symbol addresses and special registers
/// are decoded into constant or per-thread slots of the register file, so execution never looks at operand kinds.
/// Unused slots are -1.
/// </summary>
internal struct Instruction
{
    /// <summary>The operation.</summary>
    public Opcode Op;
    /// <summary>Operation type (for cvt: the destination type; for ld/st/atom: the element type).</summary>
    public PtxType Type;
    /// <summary>cvt source type.</summary>
    public PtxType SourceType;
    /// <summary>setp comparison.</summary>
    public Compare Compare;
    /// <summary>setp combine with c.</summary>
    public BoolCombine Combine;
    /// <summary>cvt rounding.</summary>
    public Rounding Rounding;
    /// <summary>ld/st/atom state space.</summary>
    public MemorySpace Space;
    /// <summary>atom/red operation.</summary>
    public AtomicOp Atomic;
    /// <summary>shfl mode.</summary>
    public ShuffleMode Shuffle;
    /// <summary>vote mode.</summary>
    public VoteMode Vote;
    /// <summary>bar.red reduction (None for bar.sync).</summary>
    public BarrierReduction Reduction;
    /// <summary>cvt .sat, ex2/lg2 .ftz.</summary>
    public bool Saturate, FlushToZero;
    /// <summary>True when the predicate operand (c of setp/bar.red, a of vote) is negated.</summary>
    public bool NegatePredicate;
    /// <summary>Elements of a vector ld/st (1 for scalars).</summary>
    public byte VectorCount;
    /// <summary>Bytes of one element of <see cref="Type"/>.</summary>
    public byte ElementSize;
    /// <summary>Guard predicate slot, -1 when unguarded.</summary>
    public int Guard;
    /// <summary>True for @!%p guards.</summary>
    public bool GuardNegated;
    /// <summary>Destination slot.</summary>
    public int D;
    /// <summary>Second destination (shfl's predicate), -1 when absent.</summary>
    public int D2;
    /// <summary>Source slots; for memory operations A is the address base.</summary>
    public int A, B, C;
    /// <summary>Data slots of ld (destinations) and st (sources).</summary>
    public RegisterVector Vector;
    /// <summary>Address offset added to the base slot.</summary>
    public long Offset;
    /// <summary>ld.global.nc: the bytes must not change during the launch.</summary>
    public bool NonCoherent;
    /// <summary>True when the address base is a 32-bit register: base + offset wraps at 32 bits.</summary>
    public bool Address32;
    /// <summary>shfl/vote membermask slot.</summary>
    public int Mask;
    /// <summary>Branch target (instruction index).</summary>
    public int Target;

    /// <summary>An instruction with every slot unused.</summary>
    public static Instruction Create(Opcode op, PtxType type)
    {
        var instruction = new Instruction { Op = op, Type = type, ElementSize = (byte)type.Size(), Guard = -1, D = -1, D2 = -1, A = -1, B = -1, C = -1, Mask = -1, VectorCount = 1, Target = -1 };
        instruction.Vector[0] = instruction.Vector[1] = instruction.Vector[2] = instruction.Vector[3] = -1;
        return instruction;
    }
}
