using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>Releasing synchronisation points: warp collectives first, then the block barrier, with divergence checks.</summary>
internal sealed partial class BlockRunner
{
    /// <summary>Releases whatever every thread now waits for; false when all threads have exited.</summary>
    private bool Release()
    {
        bool released = false;
        for (int first = 0; first < _threads; first += WarpSize)
        {
            released |= ReleaseWarp(first, Math.Min(first + WarpSize, _threads));
        }

        return released || ReleaseBarrier();
    }

    private static bool IsWarpCollective(Opcode op) => op is Opcode.Shfl or Opcode.Vote;

    /// <summary>Executes the warp collective the lanes [first, end) wait at, if any lane waits at one.</summary>
    private bool ReleaseWarp(int first, int end)
    {
        int waiter = -1;
        for (int t = first; t < end && waiter < 0; t++)
        {
            if (_state[t] == ThreadState.Waiting && IsWarpCollective(_code[_pc[t]].Op))
            {
                waiter = t;
            }
        }

        if (waiter < 0)
        {
            return false;
        }

        int pc = _pc[waiter];
        for (int t = first; t < end; t++)
        {
            if (_state[t] == ThreadState.Exited)
            {
                throw Fault(waiter, pc, $"warp divergence: lane {t - first} (thread {ThreadIndex(t)}) has exited while lane {waiter - first} waits at this warp collective");
            }

            if (_pc[t] != pc)
            {
                throw Fault(waiter, pc, $"warp divergence: lane {t - first} (thread {ThreadIndex(t)}) waits at {Where(_pc[t])} while lane {waiter - first} waits at this warp collective");
            }
        }

        ref readonly var instruction = ref _code[pc];
        try
        {
            if (instruction.Op == Opcode.Shfl)
            {
                Shuffle(in instruction, first, end);
            }
            else
            {
                Vote(in instruction, first, end);
            }
        }
        catch (PtxFault fault)
        {
            throw Fault(waiter, pc, fault.Message);
        }

        for (int t = first; t < end; t++)
        {
            _pc[t] = pc + 1;
            _state[t] = ThreadState.Running;
        }

        return true;
    }

    /// <summary>Executes the barrier every thread waits at; false when all threads have exited.</summary>
    private bool ReleaseBarrier()
    {
        int waiter = Array.IndexOf(_state, ThreadState.Waiting);
        if (waiter < 0)
        {
            return false;
        }

        int pc = _pc[waiter];
        for (int t = 0; t < _threads; t++)
        {
            if (_state[t] == ThreadState.Exited)
            {
                throw Fault(waiter, pc, $"barrier divergence: thread {ThreadIndex(t)} has exited while thread {ThreadIndex(waiter)} waits at this barrier");
            }

            if (_pc[t] != pc)
            {
                throw Fault(t, _pc[t], $"barrier divergence: this thread waits at line {_program.Lines[_pc[t]]} while thread {ThreadIndex(waiter)} waits at {Where(pc)}");
            }
        }

        ref readonly var instruction = ref _code[pc];
        if (instruction.Op == Opcode.BarRed)
        {
            ReduceBarrier(in instruction);
        }

        _races.NextInterval();

        for (int t = 0; t < _threads; t++)
        {
            _pc[t] = pc + 1;
            _state[t] = ThreadState.Running;
        }

        return true;
    }

    private bool PredicateOf(in Instruction instruction, int thread, int slot) =>
        Bits.Pred(_registers[thread * _stride + slot]) != instruction.NegatePredicate;

    private void ReduceBarrier(in Instruction instruction)
    {
        int count = 0;
        for (int t = 0; t < _threads; t++)
        {
            count += PredicateOf(in instruction, t, instruction.C) ? 1 : 0;
        }

        ulong result = instruction.Reduction switch
        {
            BarrierReduction.Popc => (ulong)count,
            BarrierReduction.And => Bits.Of(count == _threads),
            _ => Bits.Of(count > 0),
        };
        for (int t = 0; t < _threads; t++)
        {
            _registers[t * _stride + instruction.D] = result;
        }
    }

    /// <summary>Checks that every lane's membermask names all lanes present in the warp.</summary>
    private void CheckMask(in Instruction instruction, int first, int end)
    {
        uint present = end - first == WarpSize ? uint.MaxValue : (1u << (end - first)) - 1;
        for (int t = first; t < end; t++)
        {
            uint mask = (uint)_registers[t * _stride + instruction.Mask];
            if ((mask & present) != present)
            {
                throw new PtxFault($"membermask 0x{mask:X8} of lane {t - first} does not name every lane of the warp (0x{present:X8}); only full-warp collectives are supported");
            }
        }
    }

    /// <summary>shfl.sync: every lane computes its source lane from its own b and c, as the PTX ISA describes.</summary>
    private void Shuffle(in Instruction instruction, int first, int end)
    {
        CheckMask(in instruction, first, end);
        int lanes = end - first;
        for (int lane = 0; lane < lanes; lane++)
        {
            _lanes[lane] = (uint)_registers[(first + lane) * _stride + instruction.A];
        }

        for (int lane = 0; lane < lanes; lane++)
        {
            int row = (first + lane) * _stride;
            int b = (int)(_registers[row + instruction.B] & 0x1F);
            uint c = (uint)_registers[row + instruction.C];
            int clamp = (int)(c & 0x1F), segmentMask = (int)((c >> 8) & 0x1F);
            int maxLane = (lane & segmentMask) | (clamp & ~segmentMask);
            int minLane = lane & segmentMask;
            (int source, bool valid) = instruction.Shuffle switch
            {
                ShuffleMode.Up => (lane - b, lane - b >= maxLane),
                ShuffleMode.Down => (lane + b, lane + b <= maxLane),
                ShuffleMode.Bfly => (lane ^ b, (lane ^ b) <= maxLane),
                _ => (minLane | (b & ~segmentMask), (minLane | (b & ~segmentMask)) <= maxLane),
            };
            source = valid ? source : lane;
            if (source >= lanes)
            {
                throw new PtxFault($"shfl.sync in lane {lane} reads lane {source}, which does not exist in this {lanes}-thread warp");
            }

            _registers[row + instruction.D] = _lanes[source];
            if (instruction.D2 >= 0)
            {
                _registers[row + instruction.D2] = Bits.Of(valid);
            }
        }
    }

    private void Vote(in Instruction instruction, int first, int end)
    {
        CheckMask(in instruction, first, end);
        uint ballot = 0;
        for (int t = first; t < end; t++)
        {
            ballot |= PredicateOf(in instruction, t, instruction.A) ? 1u << (t - first) : 0;
        }

        uint present = end - first == WarpSize ? uint.MaxValue : (1u << (end - first)) - 1;
        ulong result = instruction.Vote switch
        {
            VoteMode.Ballot => ballot,
            VoteMode.Any => Bits.Of(ballot != 0),
            VoteMode.All => Bits.Of(ballot == present),
            _ => Bits.Of(ballot == 0 || ballot == present),
        };
        for (int t = first; t < end; t++)
        {
            _registers[t * _stride + instruction.D] = result;
        }
    }
}
