using NativeDance.Cuda;

namespace NativeDance.PtxInterpreter.Program;

/// <summary>
/// A decoded entry, ready to execute. Register file row of one thread: [declared registers | special registers | constants];
/// <see cref="InitialSlots"/> holds the constants (and zeros elsewhere), <see cref="Specials"/> says which slot gets which
/// special register when a block starts.
/// </summary>
internal sealed class KernelProgram
{
    /// <summary>Entry name.</summary>
    public required string Name { get; init; }
    /// <summary>Name of the module it came from.</summary>
    public required string ModuleName { get; init; }
    /// <summary>The instructions; branch targets are indices into it.</summary>
    public required Instruction[] Code { get; init; }
    /// <summary>PTX line number (1-based) of each instruction.</summary>
    public required int[] Lines { get; init; }
    /// <summary>PTX source text of each instruction's line.</summary>
    public required string[] LineTexts { get; init; }
    /// <summary>Register slots per thread.</summary>
    public required int SlotsPerThread { get; init; }
    /// <summary>A thread's register row when it starts, before the special registers are filled in.</summary>
    public required ulong[] InitialSlots { get; init; }
    /// <summary>Slots holding special registers.</summary>
    public required (int Slot, SpecialRegister Register)[] Specials { get; init; }
    /// <summary>Bytes of statically declared shared memory.</summary>
    public required int StaticSharedBytes { get; init; }
    /// <summary>Offset of the dynamic (extern) shared array: the static size aligned up to the extern declarations' alignment.</summary>
    public required int DynamicSharedOffset { get; init; }
    /// <summary>Bytes of local memory per thread.</summary>
    public required int LocalBytes { get; init; }
    /// <summary>Parameters in declaration order.</summary>
    public required PtxParameter[] Parameters { get; init; }
    /// <summary>Bytes of the parameter buffer (the host argument struct).</summary>
    public required int ParameterBytes { get; init; }
    /// <summary>Block extent demanded by .reqntid, null when not declared.</summary>
    public required Dim3? RequiredBlock { get; init; }
    /// <summary>Thread limit of .maxntid (product), 0 when not declared.</summary>
    public required ulong MaxThreads { get; init; }
    /// <summary>True when the entry has a membar or fence: blocks may then communicate through global memory, so the
    /// cross-block race check is off.</summary>
    public bool UsesFences => Array.Exists(Code, i => i.Op == Opcode.Fence);
}
