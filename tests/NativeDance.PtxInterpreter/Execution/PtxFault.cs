namespace NativeDance.PtxInterpreter.Execution;

/// <summary>
/// A fault detected while executing one instruction (bad address, uninitialised read, division by zero). The block runner
/// catches it and rethrows it as a <see cref="PtxExecutionException"/> naming the kernel, block, thread and PTX line.
/// </summary>
internal sealed class PtxFault(string message) : Exception(message);
