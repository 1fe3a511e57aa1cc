using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeDance.PtxInterpreter.Memory;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>
/// The instruction loop of one thread: a switch over the dense opcode enum on register slots, no allocation. Instructions
/// are fetched without bounds checks: branch targets are decoded instruction indices and the last instruction is an exit.
/// </summary>
internal sealed partial class BlockRunner
{
    /// <summary>Runs thread <paramref name="t"/> from its pc until it waits at a synchronisation point or exits.
    /// Fully optimised from the first call: a launch is too short for tiered compilation to catch up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunThread(int t)
    {
        var code = _code;
        var r = new RegisterRow(_registers, t, _stride);
        ref var first = ref MemoryMarshal.GetArrayDataReference(code);
        int pc = _pc[t];
        long executed = 0;
        try
        {
            while (true)
            {
                ref readonly var i = ref Unsafe.Add(ref first, pc);
                executed++;
                if (i.Guard >= 0 && Bits.Pred(r[i.Guard]) == i.GuardNegated)
                {
                    pc++;
                    continue;
                }

                switch (i.Op)
                {
                    case Opcode.Mov: r[i.D] = r[i.A]; break;
                    case Opcode.Selp: r[i.D] = Bits.Pred(r[i.C]) ? r[i.A] : r[i.B]; break;
                    case Opcode.Add: r[i.D] = r[i.A] + r[i.B]; break;
                    case Opcode.Sub: r[i.D] = r[i.A] - r[i.B]; break;
                    case Opcode.MulLo: r[i.D] = r[i.A] * r[i.B]; break;
                    case Opcode.MadLo: r[i.D] = r[i.A] * r[i.B] + r[i.C]; break;
                    case Opcode.Neg: r[i.D] = 0 - r[i.A]; break;
                    case Opcode.And: r[i.D] = r[i.A] & r[i.B]; break;
                    case Opcode.Or: r[i.D] = r[i.A] | r[i.B]; break;
                    case Opcode.Xor: r[i.D] = r[i.A] ^ r[i.B]; break;
                    case Opcode.Not: r[i.D] = ~r[i.A]; break;
                    case Opcode.Shl32: r[i.D] = IntegerOps.Shl((uint)r[i.A], (uint)r[i.B]); break;
                    case Opcode.ShrU32: r[i.D] = IntegerOps.Shr((uint)r[i.A], (uint)r[i.B]); break;
                    case Opcode.ShrS32: r[i.D] = (uint)IntegerOps.Shr((int)r[i.A], (uint)r[i.B]); break;
                    case Opcode.Shl64: r[i.D] = IntegerOps.Shl(r[i.A], (uint)r[i.B]); break;
                    case Opcode.ShrU64: r[i.D] = IntegerOps.Shr(r[i.A], (uint)r[i.B]); break;
                    case Opcode.ShrS64: r[i.D] = (ulong)IntegerOps.Shr((long)r[i.A], (uint)r[i.B]); break;
                    case Opcode.MulHiS32: r[i.D] = (uint)(((long)(int)r[i.A] * (int)r[i.B]) >> 32); break;
                    case Opcode.MulHiU32: r[i.D] = ((ulong)(uint)r[i.A] * (uint)r[i.B]) >> 32; break;
                    case Opcode.MulHiS64: r[i.D] = (ulong)Math.BigMul((long)r[i.A], (long)r[i.B], out _); break;
                    case Opcode.MulHiU64: r[i.D] = Math.BigMul(r[i.A], r[i.B], out _); break;
                    case Opcode.MulWideS32: r[i.D] = (ulong)((long)(int)r[i.A] * (int)r[i.B]); break;
                    case Opcode.MulWideU32: r[i.D] = (ulong)(uint)r[i.A] * (uint)r[i.B]; break;
                    case Opcode.MadWideS32: r[i.D] = (ulong)((long)(int)r[i.A] * (int)r[i.B]) + r[i.C]; break;
                    case Opcode.MadWideU32: r[i.D] = (ulong)(uint)r[i.A] * (uint)r[i.B] + r[i.C]; break;
                    case Opcode.DivS32: r[i.D] = (uint)IntegerOps.Div((int)r[i.A], (int)r[i.B]); break;
                    case Opcode.DivU32: r[i.D] = IntegerOps.Div((uint)r[i.A], (uint)r[i.B]); break;
                    case Opcode.DivS64: r[i.D] = (ulong)IntegerOps.Div((long)r[i.A], (long)r[i.B]); break;
                    case Opcode.DivU64: r[i.D] = IntegerOps.Div(r[i.A], r[i.B]); break;
                    case Opcode.RemS32: r[i.D] = (uint)IntegerOps.Rem((int)r[i.A], (int)r[i.B]); break;
                    case Opcode.RemU32: r[i.D] = IntegerOps.Rem((uint)r[i.A], (uint)r[i.B]); break;
                    case Opcode.RemS64: r[i.D] = (ulong)IntegerOps.Rem((long)r[i.A], (long)r[i.B]); break;
                    case Opcode.RemU64: r[i.D] = IntegerOps.Rem(r[i.A], r[i.B]); break;
                    case Opcode.MinS32: r[i.D] = (uint)Math.Min((int)r[i.A], (int)r[i.B]); break;
                    case Opcode.MinU32: r[i.D] = Math.Min((uint)r[i.A], (uint)r[i.B]); break;
                    case Opcode.MinS64: r[i.D] = (ulong)Math.Min((long)r[i.A], (long)r[i.B]); break;
                    case Opcode.MinU64: r[i.D] = Math.Min(r[i.A], r[i.B]); break;
                    case Opcode.MaxS32: r[i.D] = (uint)Math.Max((int)r[i.A], (int)r[i.B]); break;
                    case Opcode.MaxU32: r[i.D] = Math.Max((uint)r[i.A], (uint)r[i.B]); break;
                    case Opcode.MaxS64: r[i.D] = (ulong)Math.Max((long)r[i.A], (long)r[i.B]); break;
                    case Opcode.MaxU64: r[i.D] = Math.Max(r[i.A], r[i.B]); break;
                    case Opcode.AbsS32: r[i.D] = (uint)((int)r[i.A] < 0 ? 0 - (uint)r[i.A] : (uint)r[i.A]); break;
                    case Opcode.AbsS64: r[i.D] = (long)r[i.A] < 0 ? 0 - r[i.A] : r[i.A]; break;
                    case Opcode.Popc32: r[i.D] = (uint)BitOperations.PopCount((uint)r[i.A]); break;
                    case Opcode.Popc64: r[i.D] = (uint)BitOperations.PopCount(r[i.A]); break;
                    case Opcode.Clz32: r[i.D] = (uint)BitOperations.LeadingZeroCount((uint)r[i.A]); break;
                    case Opcode.Clz64: r[i.D] = (uint)BitOperations.LeadingZeroCount(r[i.A]); break;
                    case Opcode.AddF32: r[i.D] = Bits.Of(Bits.F32(r[i.A]) + Bits.F32(r[i.B])); break;
                    case Opcode.SubF32: r[i.D] = Bits.Of(Bits.F32(r[i.A]) - Bits.F32(r[i.B])); break;
                    case Opcode.MulF32: r[i.D] = Bits.Of(Bits.F32(r[i.A]) * Bits.F32(r[i.B])); break;
                    case Opcode.FmaF32: r[i.D] = Bits.Of(MathF.FusedMultiplyAdd(Bits.F32(r[i.A]), Bits.F32(r[i.B]), Bits.F32(r[i.C]))); break;
                    case Opcode.DivF32: r[i.D] = Bits.Of(Bits.F32(r[i.A]) / Bits.F32(r[i.B])); break;
                    case Opcode.MinF32: r[i.D] = Bits.Of(FloatOps.Min(Bits.F32(r[i.A]), Bits.F32(r[i.B]))); break;
                    case Opcode.MaxF32: r[i.D] = Bits.Of(FloatOps.Max(Bits.F32(r[i.A]), Bits.F32(r[i.B]))); break;
                    case Opcode.AbsF32: r[i.D] = (uint)r[i.A] & 0x7FFF_FFFFu; break;
                    case Opcode.NegF32: r[i.D] = (uint)r[i.A] ^ 0x8000_0000u; break;
                    case Opcode.SqrtF32: r[i.D] = Bits.Of(MathF.Sqrt(Bits.F32(r[i.A]))); break;
                    case Opcode.RcpF32: r[i.D] = Bits.Of(1f / Bits.F32(r[i.A])); break;
                    case Opcode.Ex2F32: r[i.D] = Bits.Of(FloatOps.Exp2(Bits.F32(r[i.A]), i.FlushToZero)); break;
                    case Opcode.Lg2F32: r[i.D] = Bits.Of(FloatOps.Log2(Bits.F32(r[i.A]), i.FlushToZero)); break;
                    case Opcode.AddF64: r[i.D] = Bits.Of(Bits.F64(r[i.A]) + Bits.F64(r[i.B])); break;
                    case Opcode.SubF64: r[i.D] = Bits.Of(Bits.F64(r[i.A]) - Bits.F64(r[i.B])); break;
                    case Opcode.MulF64: r[i.D] = Bits.Of(Bits.F64(r[i.A]) * Bits.F64(r[i.B])); break;
                    case Opcode.FmaF64: r[i.D] = Bits.Of(Math.FusedMultiplyAdd(Bits.F64(r[i.A]), Bits.F64(r[i.B]), Bits.F64(r[i.C]))); break;
                    case Opcode.DivF64: r[i.D] = Bits.Of(Bits.F64(r[i.A]) / Bits.F64(r[i.B])); break;
                    case Opcode.MinF64: r[i.D] = Bits.Of(FloatOps.Min(Bits.F64(r[i.A]), Bits.F64(r[i.B]))); break;
                    case Opcode.MaxF64: r[i.D] = Bits.Of(FloatOps.Max(Bits.F64(r[i.A]), Bits.F64(r[i.B]))); break;
                    case Opcode.AbsF64: r[i.D] = r[i.A] & 0x7FFF_FFFF_FFFF_FFFFUL; break;
                    case Opcode.NegF64: r[i.D] = r[i.A] ^ 0x8000_0000_0000_0000UL; break;
                    case Opcode.SqrtF64: r[i.D] = Bits.Of(Math.Sqrt(Bits.F64(r[i.A]))); break;
                    case Opcode.RcpF64: r[i.D] = Bits.Of(1.0 / Bits.F64(r[i.A])); break;
                    case Opcode.SetpS32: r[i.D] = Combine(in i, r, IntegerOps.Compare(i.Compare, (int)r[i.A], (int)r[i.B])); break;
                    case Opcode.SetpU32: r[i.D] = Combine(in i, r, IntegerOps.Compare(i.Compare, (uint)r[i.A], (uint)r[i.B])); break;
                    case Opcode.SetpS64: r[i.D] = Combine(in i, r, IntegerOps.Compare(i.Compare, (long)r[i.A], (long)r[i.B])); break;
                    case Opcode.SetpU64: r[i.D] = Combine(in i, r, IntegerOps.Compare(i.Compare, r[i.A], r[i.B])); break;
                    case Opcode.SetpF32: r[i.D] = Combine(in i, r, FloatOps.Compare(i.Compare, Bits.F32(r[i.A]), Bits.F32(r[i.B]))); break;
                    case Opcode.SetpF64: r[i.D] = Combine(in i, r, FloatOps.Compare(i.Compare, Bits.F64(r[i.A]), Bits.F64(r[i.B]))); break;
                    case Opcode.Cvt: r[i.D] = Conversions.Convert(r[i.A], i.SourceType, i.Type, i.Rounding, i.Saturate); break;
                    case Opcode.CvtaToShared: r[i.D] = ToSpace(r[i.A], StateSpaces.SharedWindow, "shared"); break;
                    case Opcode.CvtaShared: r[i.D] = StateSpaces.SharedWindow + r[i.A]; break;
                    case Opcode.CvtaToLocal: r[i.D] = ToSpace(r[i.A], StateSpaces.LocalWindow, "local"); break;
                    case Opcode.CvtaLocal: r[i.D] = StateSpaces.LocalWindow + r[i.A]; break;
                    case Opcode.Ld: Load(in i, r, t); break;
                    case Opcode.St: Store(in i, r, t); break;
                    case Opcode.Atom: Atomic(in i, r, t); break;
                    case Opcode.Fence: break;
                    case Opcode.Bra:
                        if (executed + _instructions > _instructionLimit)
                        {
                            throw new PtxFault($"more than {_instructionLimit:N0} instructions executed in this launch (an endless loop?); PtxDevice.InstructionLimit raises the limit");
                        }

                        pc = i.Target;
                        continue;
                    case Opcode.Exit:
                        _state[t] = ThreadState.Exited;
                        _pc[t] = pc;
                        return;
                    case Opcode.Trap:
                        throw new PtxFault("trap executed");
                    case Opcode.BarSync or Opcode.BarRed or Opcode.Shfl or Opcode.Vote:
                        _state[t] = ThreadState.Waiting;
                        _pc[t] = pc;
                        return;
                    default:
                        throw new InvalidOperationException($"opcode {i.Op} has no execution case");
                }

                pc++;
            }
        }
        catch (PtxFault fault)
        {
            throw Fault(t, pc, fault.Message);
        }
        finally
        {
            _instructions += executed;
        }
    }

    private static ulong Combine(in Instruction i, RegisterRow r, bool comparison) => i.Combine switch
    {
        BoolCombine.None => Bits.Of(comparison),
        BoolCombine.And => Bits.Of(comparison & (Bits.Pred(r[i.C]) != i.NegatePredicate)),
        BoolCombine.Or => Bits.Of(comparison | (Bits.Pred(r[i.C]) != i.NegatePredicate)),
        _ => Bits.Of(comparison ^ (Bits.Pred(r[i.C]) != i.NegatePredicate)),
    };

    private static ulong ToSpace(ulong generic, ulong window, string space) =>
        generic - window < StateSpaces.WindowBytes
            ? generic - window
            : throw new PtxFault($"cvta.to.{space} of 0x{generic:X}, which is not a generic {space} address");

    private static ulong Address(in Instruction i, RegisterRow r)
    {
        ulong address = r[i.A] + (ulong)i.Offset;
        return i.Address32 ? (uint)address : address;
    }

    private static void CheckAlignment(ulong address, int bytes)
    {
        if ((address & (ulong)(bytes - 1)) != 0)
        {
            throw new PtxFault($"misaligned access of {bytes} bytes at 0x{address:X} (address must be a multiple of {bytes})");
        }
    }

    private void Load(in Instruction i, RegisterRow r, int t)
    {
        ulong address = Address(in i, r);
        int size = i.ElementSize, total = size * i.VectorCount;
        CheckAlignment(address, total);
        var bytes = i.NonCoherent ? _memory.ReadNonCoherent(address, total) : _memory.Read(i.Space, address, total, t);
        for (int e = 0; e < i.VectorCount; e++)
        {
            r[i.Vector[e]] = Element.Read(bytes[(e * size)..], i.Type);
        }
    }

    private void Store(in Instruction i, RegisterRow r, int t)
    {
        ulong address = Address(in i, r);
        int size = i.ElementSize, total = size * i.VectorCount;
        CheckAlignment(address, total);
        var bytes = _memory.Write(i.Space, address, total, t);
        for (int e = 0; e < i.VectorCount; e++)
        {
            Element.Write(bytes[(e * size)..], size, r[i.Vector[e]]);
        }
    }

    /// <summary>atom / red: read (must be initialised), combine, write back; threads run one at a time, so this is atomic.</summary>
    private void Atomic(in Instruction i, RegisterRow r, int t)
    {
        ulong address = Address(in i, r);
        CheckAlignment(address, i.ElementSize);
        var bytes = _memory.ReadModifyWrite(i.Space, address, i.ElementSize, t);
        ulong old = Element.Read(bytes, i.Type);
        Element.Write(bytes, i.ElementSize, AtomicOps.Apply(i.Atomic, i.Type, old, r[i.B], i.C >= 0 ? r[i.C] : 0));
        if (i.D >= 0)
        {
            r[i.D] = old;
        }
    }
}
