using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>cvt, cvta, ld, st, atom and red.</summary>
internal sealed partial class InstructionDecoder
{
    private Instruction Cvt(Modifiers modifiers, string[] args)
    {
        var rounding = modifiers.TakeAny("rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi") is { } name
            ? Enum.Parse<Rounding>(name, ignoreCase: true)
            : Rounding.None;
        bool saturate = modifiers.Take("sat");
        var destination = modifiers.Type();
        var source = modifiers.Type();
        modifiers.Done();
        bool integerRounding = rounding >= Rounding.Rni;
        bool valid = (source.IsFloat(), destination.IsFloat()) switch
        {
            (true, false) => integerRounding,
            (false, true) => !integerRounding,
            (true, true) when source == destination => integerRounding,
            (true, true) => !integerRounding && (destination == PtxType.F64 ? rounding == Rounding.None : true),
            _ => rounding == Rounding.None,
        };
        if (!valid || source == PtxType.Pred || destination == PtxType.Pred)
        {
            throw new PtxSyntaxError($"cvt{(rounding == Rounding.None ? "" : "." + rounding.ToString().ToLowerInvariant())}.{destination.Name()}.{source.Name()} is not a valid conversion");
        }

        Expect(args, 2, "cvt");
        var instruction = Instruction.Create(Opcode.Cvt, destination);
        instruction.SourceType = source;
        instruction.Rounding = rounding == Rounding.None && destination.IsFloat() && source != PtxType.F32 ? Rounding.Rn : rounding;
        instruction.Saturate = saturate;
        instruction.D = operands.Destination(args[0]);
        instruction.A = operands.Source(args[1], source);
        return instruction;
    }

    private Instruction Cvta(Modifiers modifiers, string[] args)
    {
        bool to = modifiers.Take("to");
        string space = modifiers.TakeAny("global", "shared", "local") ?? throw new PtxSyntaxError("cvta needs .global, .shared or .local");
        var type = modifiers.Type();
        modifiers.Done();
        if (type is not (PtxType.U32 or PtxType.U64))
        {
            throw new PtxSyntaxError($"cvta needs .u32 or .u64, not .{type.Name()}");
        }

        var op = (space, to) switch
        {
            ("global", _) => Opcode.Mov,
            ("shared", true) => Opcode.CvtaToShared,
            ("shared", false) => Opcode.CvtaShared,
            ("local", true) => Opcode.CvtaToLocal,
            _ => Opcode.CvtaLocal,
        };
        return Unary(op, type, args, "cvta");
    }

    private Instruction Load(Modifiers modifiers, string[] args)
    {
        var space = Space(modifiers, allowParam: true);
        bool nonCoherent = modifiers.Take("nc");
        if (nonCoherent && space != MemorySpace.Global)
        {
            throw new PtxSyntaxError("ld.nc needs the .global state space");
        }

        modifiers.TakeAny("ca", "cg", "cs", "lu", "cv");
        int count = VectorCount(modifiers);
        var type = modifiers.Type();
        modifiers.Done();
        Expect(args, 2, "ld");
        var instruction = Access(Opcode.Ld, space, type, args[1]);
        instruction.NonCoherent = nonCoherent;
        SetVector(ref instruction, operands.Vector(args[0], type, destinations: true), count, "ld");
        return instruction;
    }

    private Instruction Store(Modifiers modifiers, string[] args)
    {
        var space = Space(modifiers, allowParam: false);
        modifiers.TakeAny("wb", "cg", "cs", "wt");
        int count = VectorCount(modifiers);
        var type = modifiers.Type();
        modifiers.Done();
        Expect(args, 2, "st");
        var instruction = Access(Opcode.St, space, type, args[0]);
        SetVector(ref instruction, operands.Vector(args[1], type, destinations: false), count, "st");
        return instruction;
    }

    private Instruction Atomic(string mnemonic, Modifiers modifiers, string[] args)
    {
        while (modifiers.TakeAny("relaxed", "gpu", "cta", "sys") is not null)
        {
        }

        var space = modifiers.TakeAny("global", "shared") switch
        {
            "global" => MemorySpace.Global,
            "shared" => MemorySpace.Shared,
            _ => MemorySpace.Generic,
        };
        string opName = modifiers.TakeAny("add", "min", "max", "cas", "exch", "and", "or", "xor")
            ?? throw new PtxSyntaxError($"{mnemonic} needs one of .add .min .max .cas .exch .and .or .xor");
        var op = Enum.Parse<AtomicOp>(opName, ignoreCase: true);
        var type = modifiers.Type();
        modifiers.Done();
        bool valid = op switch
        {
            AtomicOp.Add => type is PtxType.U32 or PtxType.S32 or PtxType.U64 or PtxType.F32 or PtxType.F64,
            AtomicOp.Min or AtomicOp.Max => type is PtxType.U32 or PtxType.S32 or PtxType.U64 or PtxType.S64,
            AtomicOp.Cas => type is PtxType.B32 or PtxType.B64,
            _ => type is PtxType.B32 or PtxType.B64,
        };
        if (!valid || (op == AtomicOp.Cas && mnemonic == "red"))
        {
            throw new PtxSyntaxError($"{mnemonic}.{opName}.{type.Name()} is outside the supported PTX dialect");
        }

        bool hasResult = mnemonic == "atom";
        int expected = (hasResult ? 3 : 2) + (op == AtomicOp.Cas ? 1 : 0);
        Expect(args, expected, $"{mnemonic}.{opName}");
        var instruction = Access(Opcode.Atom, space, type, args[hasResult ? 1 : 0]);
        instruction.Atomic = op;
        if (hasResult)
        {
            instruction.D = operands.Destination(args[0]);
        }

        instruction.B = operands.Source(args[hasResult ? 2 : 1], type);
        if (op == AtomicOp.Cas)
        {
            instruction.C = operands.Source(args[3], type);
        }

        return instruction;
    }

    private Instruction Access(Opcode op, MemorySpace space, PtxType type, string address)
    {
        if (type == PtxType.Pred)
        {
            throw new PtxSyntaxError("predicates cannot be loaded or stored");
        }

        var (baseSlot, offset, is32Bit, symbolSpace) = operands.Address(address);
        if (symbolSpace is { } declared && declared != space)
        {
            throw new PtxSyntaxError($"a .{declared.ToString().ToLowerInvariant()} variable addressed in the .{space.ToString().ToLowerInvariant()} state space");
        }

        var instruction = Instruction.Create(op, type);
        instruction.Space = space;
        instruction.A = baseSlot;
        instruction.Offset = offset;
        instruction.Address32 = is32Bit;
        return instruction;
    }

    private static MemorySpace Space(Modifiers modifiers, bool allowParam) =>
        modifiers.TakeAny("global", "shared", "local", "param") switch
        {
            "global" => MemorySpace.Global,
            "shared" => MemorySpace.Shared,
            "local" => MemorySpace.Local,
            "param" when allowParam => MemorySpace.Param,
            "param" => throw new PtxSyntaxError("kernel parameters are read-only"),
            _ => MemorySpace.Generic,
        };

    private static int VectorCount(Modifiers modifiers) => modifiers.TakeAny("v2", "v4") switch
    {
        "v2" => 2,
        "v4" => 4,
        _ => 1,
    };

    private static void SetVector(ref Instruction instruction, int[] slots, int count, string what)
    {
        if (slots.Length != count)
        {
            throw new PtxSyntaxError($"{what} with {count} element(s) needs {(count == 1 ? "a scalar operand" : $"a {{}} vector of {count} registers")}, found {slots.Length}");
        }

        instruction.VectorCount = (byte)count;
        for (int i = 0; i < count; i++)
        {
            instruction.Vector[i] = slots[i];
        }
    }
}
