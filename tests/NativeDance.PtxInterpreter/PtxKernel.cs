using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter;

/// <summary>An entry of a <see cref="PtxModule"/>, decoded and ready to run on a <see cref="PtxDevice"/>.</summary>
public sealed class PtxKernel
{
    internal PtxKernel(KernelProgram program) => Program = program;

    /// <summary>The entry name.</summary>
    public string Name => Program.Name;

    /// <summary>Bytes of the parameter buffer: the size the host argument struct must have (the parameters at natural
    /// alignment in declaration order, padded to the largest alignment, as a sequential struct is laid out).</summary>
    public int ParameterBytes => Program.ParameterBytes;

    /// <summary>The parameters in declaration order with their offsets.</summary>
    public IReadOnlyList<PtxParameter> Parameters => Program.Parameters;

    /// <summary>Bytes of statically declared shared memory per block.</summary>
    public int StaticSharedBytes => Program.StaticSharedBytes;

    /// <summary>Decoded instructions (for test output).</summary>
    public int InstructionCount => Program.Code.Length;

    internal KernelProgram Program { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Program.ModuleName}:{Name}";
}
