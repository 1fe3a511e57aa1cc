namespace NativeDance.PtxInterpreter.Program;

/// <summary>
/// The decoded operations, dense so the executor's switch compiles to a jump table. Integer operations whose low bits do not
/// depend on the width (add, sub, mul.lo, mad.lo, neg, and/or/xor/not, selp, mov) work on the whole 64-bit register slot:
/// every reader truncates a slot to its instruction's width, so the bits above a 32-bit result never matter.
/// </summary>
internal enum Opcode : byte
{
    Mov,
    Selp,
    Add, Sub, MulLo, MadLo, Neg, And, Or, Xor, Not,
    Shl32, ShrU32, ShrS32, Shl64, ShrU64, ShrS64,
    MulHiS32, MulHiU32, MulHiS64, MulHiU64,
    MulWideS32, MulWideU32, MadWideS32, MadWideU32,
    DivS32, DivU32, DivS64, DivU64, RemS32, RemU32, RemS64, RemU64,
    MinS32, MinU32, MinS64, MinU64, MaxS32, MaxU32, MaxS64, MaxU64,
    AbsS32, AbsS64, Popc32, Popc64, Clz32, Clz64,
    AddF32, SubF32, MulF32, FmaF32, DivF32, MinF32, MaxF32, AbsF32, NegF32, SqrtF32, RcpF32, Ex2F32, Lg2F32,
    AddF64, SubF64, MulF64, FmaF64, DivF64, MinF64, MaxF64, AbsF64, NegF64, SqrtF64, RcpF64,
    SetpS32, SetpU32, SetpS64, SetpU64, SetpF32, SetpF64,
    Cvt,
    CvtaToShared, CvtaShared, CvtaToLocal, CvtaLocal,
    Ld, St, Atom,
    Bra, Exit, Trap,
    /// <summary>membar / fence: nothing to do when threads run one at a time, but it turns off the cross-block race check.</summary>
    Fence,
    BarSync, BarRed, Shfl, Vote,
}

/// <summary>setp comparison; the U-suffixed float forms are true when either operand is NaN.</summary>
internal enum Compare : byte { Eq, Ne, Lt, Le, Gt, Ge, Lo, Ls, Hi, Hs, Equ, Neu, Ltu, Leu, Gtu, Geu, Num, Nan }

/// <summary>How setp combines its comparison with the optional predicate operand c.</summary>
internal enum BoolCombine : byte { None, And, Or, Xor }

/// <summary>Rounding modifier of cvt (and the implied .rn of float arithmetic).</summary>
internal enum Rounding : byte { None, Rn, Rz, Rm, Rp, Rni, Rzi, Rmi, Rpi }

/// <summary>State space of ld, st and atom.</summary>
internal enum MemorySpace : byte { Generic, Global, Shared, Local, Param }

/// <summary>The operation of atom / red.</summary>
internal enum AtomicOp : byte { Add, Min, Max, Cas, Exch, And, Or, Xor }

/// <summary>shfl.sync mode.</summary>
internal enum ShuffleMode : byte { Up, Down, Bfly, Idx }

/// <summary>vote.sync mode.</summary>
internal enum VoteMode : byte { All, Any, Uni, Ballot }

/// <summary>bar.red reduction.</summary>
internal enum BarrierReduction : byte { None, Popc, And, Or }

/// <summary>Special registers, each kept in a per-thread register slot filled when a block starts.</summary>
internal enum SpecialRegister : byte
{
    TidX, TidY, TidZ, NtidX, NtidY, NtidZ, CtaidX, CtaidY, CtaidZ, NctaidX, NctaidY, NctaidZ, LaneId, WarpId, NWarpId,
}
