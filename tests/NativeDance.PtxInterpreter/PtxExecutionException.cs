using NativeDance.Cuda;

namespace NativeDance.PtxInterpreter;

/// <summary>
/// A kernel did something a GPU would fault on or leave undefined (out-of-bounds or misaligned access, read of
/// uninitialised memory, a shared-memory or cross-block global-memory race, a stale non-coherent read, barrier or warp
/// divergence, integer division by zero): names the kernel, block, thread and PTX line.
/// </summary>
public sealed class PtxExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kernel">Kernel name.</param>
    /// <param name="block">Block index (%ctaid).</param>
    /// <param name="thread">Thread index in the block (%tid).</param>
    /// <param name="line">1-based PTX line number.</param>
    /// <param name="lineText">Text of that line.</param>
    /// <param name="reason">What went wrong.</param>
    public PtxExecutionException(string kernel, Dim3 block, Dim3 thread, int line, string lineText, string reason)
        : base($"{kernel}: {reason}\n    block {block}, thread {thread}, line {line}: {lineText}")
    {
        Kernel = kernel;
        Block = block;
        Thread = thread;
        Line = line;
        LineText = lineText;
        Reason = reason;
    }

    /// <summary>Kernel name.</summary>
    public string Kernel { get; }

    /// <summary>Block index (%ctaid).</summary>
    public Dim3 Block { get; }

    /// <summary>Thread index in the block (%tid).</summary>
    public Dim3 Thread { get; }

    /// <summary>1-based PTX line number.</summary>
    public int Line { get; }

    /// <summary>Text of the PTX line.</summary>
    public string LineText { get; }

    /// <summary>What went wrong, without the location.</summary>
    public string Reason { get; }
}
