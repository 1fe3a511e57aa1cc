using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeDance.Cuda;
using NativeDance.PtxInterpreter.Execution;
using NativeDance.PtxInterpreter.Memory;

namespace NativeDance.PtxInterpreter;

/// <summary>
/// A simulated GPU for tests: global memory with checked allocations, and launches that run a kernel's blocks on the CPU.
/// <code>
/// var device = new PtxDevice();
/// ulong x = device.Upload&lt;float&gt;(input);
/// ulong y = device.Allocate(n * sizeof(float));
/// device.Launch(kernel, new LaunchShape(new Dim3(blocks), new Dim3(256)), new SaxpyArgs(x, y, n, 2f));
/// float[] result = device.Download&lt;float&gt;(y, n);
/// </code>
/// </summary>
public sealed class PtxDevice
{
    /// <summary>Threads per block a launch may have (as on sm_80).</summary>
    public const int MaxThreadsPerBlock = 1024;

    /// <summary>Shared memory per block a launch may use (static + dynamic, the sm_90 opt-in maximum).</summary>
    public const int MaxSharedBytesPerBlock = 227 * 1024;

    private readonly GlobalMemory _global = new();

    /// <summary>Statistics of the most recent successful launch (null before the first).</summary>
    public PtxLaunchStatistics? LastLaunch { get; private set; }

    /// <summary>Instructions one launch may execute before it is stopped as an endless loop (default 10^9: tens of
    /// seconds of interpretation, far beyond a unit-test launch).</summary>
    public long InstructionLimit { get; set; } = 1_000_000_000;

    /// <summary>Maps <paramref name="bytes"/> bytes of global memory, 256-byte aligned, followed by an unmapped guard gap.
    /// The contents are uninitialised: a kernel reading them before they are written faults.</summary>
    public ulong Allocate(long bytes) => _global.Allocate(bytes);

    /// <summary>Allocates room for <paramref name="data"/> and copies it there.</summary>
    public ulong Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        ulong address = Allocate(Math.Max(1, (long)data.Length * Unsafe.SizeOf<T>()));
        Write(address, data);
        return address;
    }

    /// <summary>Copies <paramref name="data"/> to global memory at <paramref name="address"/> (marks the bytes initialised).</summary>
    public void Write<T>(ulong address, ReadOnlySpan<T> data) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(data);
        if (bytes.Length > 0)
        {
            bytes.CopyTo(Resolve(address, bytes.Length, out int offset).Write(offset, bytes.Length, CheckedRegion.Written));
        }
    }

    /// <summary>Copies <paramref name="count"/> elements from global memory; every byte must have been written
    /// (by the host or a kernel), otherwise InvalidOperationException names the first unwritten element.</summary>
    public T[] Download<T>(ulong address, int count) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new T[count];
        int bytes = count * Unsafe.SizeOf<T>();
        if (bytes > 0)
        {
            var region = Resolve(address, bytes, out int offset);
            int unwritten = region.FirstUnwritten(offset, bytes);
            if (unwritten >= 0)
            {
                throw new InvalidOperationException($"Download of {count} {typeof(T).Name} at 0x{address:X}: element {(unwritten - offset) / Unsafe.SizeOf<T>()} was never written");
            }

            region.Peek(offset, bytes).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        }

        return result;
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> over the grid with <paramref name="args"/> as its parameter buffer (a sequential struct
    /// whose fields follow the .param order): blocks one after another, the threads of a block cooperatively, so barriers and
    /// warp collectives mean what they mean. Throws ArgumentException when the struct size or the launch shape is wrong, and
    /// <see cref="PtxExecutionException"/> when the kernel faults: out-of-bounds or misaligned access, read of uninitialised
    /// memory, ld.global.nc of data the launch wrote, a shared-memory race between barriers, a global-memory race between
    /// blocks (unless the kernel fences), barrier or warp divergence,
    /// integer division by zero, trap, or more than <see cref="InstructionLimit"/> instructions.
    /// </summary>
    public void Launch<TArgs>(PtxKernel kernel, LaunchShape shape, in TArgs args) where TArgs : unmanaged
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var program = kernel.Program;
        int size = Unsafe.SizeOf<TArgs>();
        if (size != program.ParameterBytes)
        {
            throw new ArgumentException($"argument struct {typeof(TArgs).Name} is {size} bytes but kernel {kernel.Name} takes {program.ParameterBytes} " +
                $"bytes of parameters ({string.Join(", ", program.Parameters.Select(p => $"{p.Type} {p.Name} @{p.Offset}"))}); " +
                "the driver takes exactly the parameters' bytes, so a struct must have no tail padding", nameof(args));
        }

        CheckShape(kernel, shape);
        byte[] parameters = MemoryMarshal.AsBytes(new ReadOnlySpan<TArgs>(in args)).ToArray();
        var clock = Stopwatch.StartNew();
        long instructions;
        try
        {
            instructions = new BlockRunner(program, shape, _global, parameters, InstructionLimit).Run();
        }
        finally
        {
            _global.EndLaunch();
        }

        LastLaunch = new PtxLaunchStatistics(kernel.Name, instructions, (long)shape.Grid.Count, (long)(shape.Grid.Count * shape.Block.Count), clock.Elapsed);
    }

    private static void CheckShape(PtxKernel kernel, LaunchShape shape)
    {
        var program = kernel.Program;
        if (shape.Grid.X == 0 || shape.Grid.Y == 0 || shape.Grid.Z == 0 || shape.Block.X == 0 || shape.Block.Y == 0 || shape.Block.Z == 0)
        {
            throw new ArgumentException($"launch of {kernel.Name}: grid {shape.Grid} and block {shape.Block} must have every extent >= 1", nameof(shape));
        }

        if (shape.Block.Count > MaxThreadsPerBlock || shape.Block.Z > 64)
        {
            throw new ArgumentException($"launch of {kernel.Name}: block {shape.Block} has more than {MaxThreadsPerBlock} threads or z > 64", nameof(shape));
        }

        if (program.RequiredBlock is { } required && required != shape.Block)
        {
            throw new ArgumentException($"launch of {kernel.Name}: block {shape.Block} differs from the kernel's .reqntid {required}", nameof(shape));
        }

        if (program.MaxThreads > 0 && shape.Block.Count > program.MaxThreads)
        {
            throw new ArgumentException($"launch of {kernel.Name}: block {shape.Block} exceeds the kernel's .maxntid of {program.MaxThreads} threads", nameof(shape));
        }

        long shared = shape.DynamicSharedBytes > 0 ? program.DynamicSharedOffset + (long)shape.DynamicSharedBytes : program.StaticSharedBytes;
        if (shared > MaxSharedBytesPerBlock)
        {
            throw new ArgumentException($"launch of {kernel.Name}: {shared} bytes of shared memory (static {program.StaticSharedBytes} + " +
                $"dynamic {shape.DynamicSharedBytes}) exceed {MaxSharedBytesPerBlock}", nameof(shape));
        }
    }

    private CheckedRegion Resolve(ulong address, int bytes, out int offset)
    {
        try
        {
            return _global.Resolve(address, bytes, out offset);
        }
        catch (PtxFault fault)
        {
            throw new ArgumentException($"host access of {bytes} bytes at 0x{address:X}: {fault.Message}", nameof(address));
        }
    }
}
