using NativeDance.Cuda;
using NativeDance.PtxInterpreter.Memory;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>
/// Runs a launch: blocks one after another in grid order (x fastest), each with fresh shared and local memory. Within a
/// block every thread runs until it reaches a synchronisation point (bar.sync / bar.red, shfl.sync / vote.sync, exit);
/// then the point is released when all its participants arrived: the lanes of a warp (32 consecutive linear thread ids)
/// for warp collectives, all threads of the block for barriers. Participants waiting at different instructions, or exited
/// while others wait, are divergence errors. Shared-memory accesses are race-checked between barriers.
/// Register file: one ulong slot per register, [thread * SlotsPerThread + slot].
/// </summary>
internal sealed partial class BlockRunner
{
    private enum ThreadState : byte { Running, Waiting, Exited }

    private const int WarpSize = 32;

    private readonly KernelProgram _program;
    private readonly Instruction[] _code;
    private readonly LaunchShape _shape;
    private readonly int _threads;
    private readonly int _stride;
    private readonly ulong[] _registers;
    private readonly int[] _pc;
    private readonly ThreadState[] _state;
    private readonly CheckedRegion _shared;
    private readonly SharedRaceDetector _races;
    private readonly CheckedRegion _local;
    private readonly StateSpaces _memory;
    private readonly long _instructionLimit;
    private readonly ulong[] _lanes = new ulong[WarpSize];
    private Dim3 _block;
    private long _instructions;

    /// <summary>Prepares a launch of <paramref name="program"/> over <paramref name="global"/> with the parameter bytes.</summary>
    public BlockRunner(KernelProgram program, LaunchShape shape, GlobalMemory global, byte[] parameters, long instructionLimit)
    {
        _program = program;
        _code = program.Code;
        _shape = shape;
        _threads = (int)shape.Block.Count;
        _stride = program.SlotsPerThread;
        _registers = new ulong[_threads * _stride];
        _pc = new int[_threads];
        _state = new ThreadState[_threads];
        int sharedBytes = shape.DynamicSharedBytes > 0
            ? program.DynamicSharedOffset + (int)shape.DynamicSharedBytes
            : program.StaticSharedBytes;
        _shared = new CheckedRegion(sharedBytes);
        _local = new CheckedRegion(_threads * program.LocalBytes);
        _races = new SharedRaceDetector(sharedBytes, ThreadIndex);
        _memory = new StateSpaces(global, _shared, _races, _local, program.LocalBytes, parameters, !program.UsesFences, BlockIndex);
        _instructionLimit = instructionLimit;
    }

    /// <summary>Runs every block; returns the instructions executed.</summary>
    public long Run()
    {
        var grid = _shape.Grid;
        for (uint z = 0; z < grid.Z; z++)
        {
            for (uint y = 0; y < grid.Y; y++)
            {
                for (uint x = 0; x < grid.X; x++)
                {
                    _memory.Block = (int)(x + grid.X * (y + grid.Y * z));
                    RunBlock(new Dim3(x, y, z));
                }
            }
        }

        return _instructions;
    }

    private void RunBlock(Dim3 block)
    {
        _block = block;
        _shared.ForgetWrites();
        _races.Reset();
        _local.ForgetWrites();
        for (int t = 0; t < _threads; t++)
        {
            var row = _registers.AsSpan(t * _stride, _stride);
            _program.InitialSlots.CopyTo(row);
            foreach (var (slot, register) in _program.Specials)
            {
                row[slot] = Special(register, t);
            }

            _pc[t] = 0;
            _state[t] = ThreadState.Running;
        }

        do
        {
            for (int t = 0; t < _threads; t++)
            {
                if (_state[t] == ThreadState.Running)
                {
                    RunThread(t);
                }
            }
        }
        while (Release());
    }

    private ulong Special(SpecialRegister register, int thread)
    {
        var tid = ThreadIndex(thread);
        return register switch
        {
            SpecialRegister.TidX => tid.X,
            SpecialRegister.TidY => tid.Y,
            SpecialRegister.TidZ => tid.Z,
            SpecialRegister.NtidX => _shape.Block.X,
            SpecialRegister.NtidY => _shape.Block.Y,
            SpecialRegister.NtidZ => _shape.Block.Z,
            SpecialRegister.CtaidX => _block.X,
            SpecialRegister.CtaidY => _block.Y,
            SpecialRegister.CtaidZ => _block.Z,
            SpecialRegister.NctaidX => _shape.Grid.X,
            SpecialRegister.NctaidY => _shape.Grid.Y,
            SpecialRegister.NctaidZ => _shape.Grid.Z,
            SpecialRegister.LaneId => (ulong)(thread % WarpSize),
            SpecialRegister.WarpId => (ulong)(thread / WarpSize),
            _ => (ulong)((_threads + WarpSize - 1) / WarpSize),
        };
    }

    private Dim3 BlockIndex(int block)
    {
        uint x = _shape.Grid.X, y = _shape.Grid.Y;
        return new Dim3((uint)block % x, (uint)block / x % y, (uint)block / (x * y));
    }

    private Dim3 ThreadIndex(int thread)
    {
        uint x = _shape.Block.X, y = _shape.Block.Y;
        return new Dim3((uint)thread % x, (uint)thread / x % y, (uint)thread / (x * y));
    }

    private PtxExecutionException Fault(int thread, int pc, string reason) =>
        new(_program.Name, _block, ThreadIndex(thread), _program.Lines[pc], _program.LineTexts[pc], reason);

    private string Where(int pc) => $"line {_program.Lines[pc]} ({_program.LineTexts[pc]})";
}
