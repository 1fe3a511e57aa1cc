using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>
/// One thread's register slots without bounds checks. Safe because the decoder only emits slot indices below
/// <see cref="Program.KernelProgram.SlotsPerThread"/> for every operand an opcode reads or writes.
/// </summary>
internal readonly ref struct RegisterRow
{
    private readonly ref ulong _first;

    /// <summary>The row of <paramref name="thread"/> in a register file of <paramref name="stride"/> slots per thread.</summary>
    public RegisterRow(ulong[] registers, int thread, int stride)
    {
        if ((thread + 1) * stride > registers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(thread));
        }

        _first = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(registers), thread * stride);
    }

    /// <summary>Slot <paramref name="slot"/>.</summary>
    public ref ulong this[int slot]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref _first, slot);
    }
}
