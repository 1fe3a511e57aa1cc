using NativeDance.PtxInterpreter.Execution;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Memory;

/// <summary>
/// The memory one block sees: global memory, the block's shared memory, every thread's local memory and the kernel
/// parameters. Shared and local addresses are offsets in their own space; in the generic space they appear in the windows
/// at <see cref="SharedWindow"/> and <see cref="LocalWindow"/> (cvta), everything else in the generic space is global.
/// Blocks of a launch are unordered on a GPU, so unless the kernel fences (membar/fence), a plain global access to a byte
/// another block wrote in the same launch is a race (atomics count as reads and are not recorded as writes).
/// </summary>
internal sealed class StateSpaces(
    GlobalMemory global, CheckedRegion shared, SharedRaceDetector races, CheckedRegion local, int localBytesPerThread, byte[] parameters,
    bool checkBlockRaces, Func<int, Cuda.Dim3> blockIndex)
{
    /// <summary>Generic address of shared offset 0.</summary>
    public const ulong SharedWindow = 0x7F00_0000_0000;
    /// <summary>Generic address of local offset 0 (of the executing thread).</summary>
    public const ulong LocalWindow = 0x7E00_0000_0000;
    /// <summary>Size of each window.</summary>
    public const ulong WindowBytes = 1UL << 32;

    /// <summary>Linear index of the running block.</summary>
    public int Block { get; set; }

    /// <summary>Checks and returns the bytes [address, address + count) of a space for reading (also the read half of an atomic).</summary>
    public Span<byte> Read(MemorySpace space, ulong address, int count, int thread)
    {
        switch (Route(space, ref address))
        {
            case MemorySpace.Global:
            {
                var region = global.Resolve(address, count, out int offset);
                var bytes = region.Read(offset, count, "global memory");
                CheckOtherBlocks(region, offset, count, address, "reads");
                return bytes;
            }
            case MemorySpace.Shared:
            {
                int sharedOffset = SharedOffset(address, count);
                var bytes = shared.Read(sharedOffset, count, "shared memory");
                races.CheckRead(sharedOffset, count, thread);
                return bytes;
            }
            case MemorySpace.Local:
                return local.Read(LocalOffset(address, count, thread), count, "local memory");
            default:
                if (address + (ulong)count > (ulong)parameters.Length)
                {
                    throw new PtxFault($"parameter read of {count} bytes at offset {address} is outside the {parameters.Length} parameter bytes");
                }

                return parameters.AsSpan((int)address, count);
        }
    }

    /// <summary>
    /// Checks and returns the bytes of an atomic read-modify-write: they must be initialised; global and local bytes are
    /// marked written by the launch; shared bytes are race-checked as a read and not recorded as a write, so atomics of
    /// several threads on one word between barriers are fine.
    /// </summary>
    public Span<byte> ReadModifyWrite(MemorySpace space, ulong address, int count, int thread)
    {
        var bytes = Read(space, address, count, thread);
        return Route(space, ref address) switch
        {
            MemorySpace.Global => global.Resolve(address, count, out int offset).Write(offset, count, CheckedRegion.WrittenByLaunch),
            MemorySpace.Local => local.Write(LocalOffset(address, count, thread), count, CheckedRegion.WrittenByLaunch),
            _ => bytes,
        };
    }

    /// <summary>Checks and returns global bytes for ld.global.nc: as <see cref="Read"/>, and none may have been written by this launch.</summary>
    public Span<byte> ReadNonCoherent(ulong address, int count) =>
        global.Resolve(address, count, out int offset).ReadNonCoherent(offset, count, "global memory");

    /// <summary>Checks and returns the bytes [address, address + count) of a space for writing, marking them written.</summary>
    public Span<byte> Write(MemorySpace space, ulong address, int count, int thread)
    {
        switch (Route(space, ref address))
        {
            case MemorySpace.Global:
            {
                var region = global.Resolve(address, count, out int offset);
                CheckOtherBlocks(region, offset, count, address, "overwrites");
                region.RecordWritingBlock(offset, count, Block);
                return region.Write(offset, count, CheckedRegion.WrittenByLaunch);
            }
            case MemorySpace.Shared:
            {
                int sharedOffset = SharedOffset(address, count);
                races.RecordWrite(sharedOffset, count, thread);
                return shared.Write(sharedOffset, count, CheckedRegion.WrittenByLaunch);
            }
            case MemorySpace.Local:
                return local.Write(LocalOffset(address, count, thread), count, CheckedRegion.WrittenByLaunch);
            default:
                throw new PtxFault("kernel parameters are read-only");
        }
    }

    private void CheckOtherBlocks(CheckedRegion region, int offset, int count, ulong address, string access)
    {
        if (checkBlockRaces && region.OtherWritingBlock(offset, count, Block, out int at) is var writer and >= 0)
        {
            throw new PtxFault($"global memory race: this block {access} 0x{address + (ulong)(at - offset):X}, which block {blockIndex(writer)} " +
                "wrote in this launch (blocks are unordered; use separate launches or atomics)");
        }
    }

    /// <summary>The space of an access: a generic address is routed by its window and rebased into its space.</summary>
    private static MemorySpace Route(MemorySpace space, ref ulong address)
    {
        if (space != MemorySpace.Generic)
        {
            return space;
        }

        if (address - SharedWindow < WindowBytes)
        {
            address -= SharedWindow;
            return MemorySpace.Shared;
        }

        if (address - LocalWindow < WindowBytes)
        {
            address -= LocalWindow;
            return MemorySpace.Local;
        }

        return MemorySpace.Global;
    }

    private int SharedOffset(ulong offset, int count)
    {
        if (offset >= (ulong)shared.Length || offset + (ulong)count > (ulong)shared.Length)
        {
            throw new PtxFault($"shared access of {count} bytes at offset {(long)offset} is outside the {shared.Length} bytes of shared memory (static + dynamic)");
        }

        return (int)offset;
    }

    private int LocalOffset(ulong offset, int count, int thread)
    {
        if (offset >= (ulong)localBytesPerThread || offset + (ulong)count > (ulong)localBytesPerThread)
        {
            throw new PtxFault($"local access of {count} bytes at offset {(long)offset} is outside the {localBytesPerThread} bytes of local memory per thread");
        }

        return thread * localBytesPerThread + (int)offset;
    }
}
