namespace NativeDance.PtxInterpreter;

/// <summary>What one <see cref="PtxDevice.Launch{TArgs}"/> executed.</summary>
/// <param name="Kernel">Kernel name.</param>
/// <param name="Instructions">Instructions issued over all threads (predicated-off ones included).</param>
/// <param name="Blocks">Blocks run.</param>
/// <param name="Threads">Threads run (blocks x threads per block).</param>
/// <param name="Elapsed">Wall time of the launch.</param>
public sealed record PtxLaunchStatistics(string Kernel, long Instructions, long Blocks, long Threads, TimeSpan Elapsed)
{
    /// <summary>Instructions per second of wall time.</summary>
    public double InstructionsPerSecond => Elapsed.TotalSeconds > 0 ? Instructions / Elapsed.TotalSeconds : 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Kernel}: {Instructions:N0} instructions, {Blocks} blocks, {Threads} threads, {Elapsed.TotalMilliseconds:F1} ms ({InstructionsPerSecond / 1e6:F1} M instructions/s)";
}
