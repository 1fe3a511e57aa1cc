using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>Moves, integer and floating-point arithmetic, logic, setp and selp.</summary>
internal sealed partial class InstructionDecoder
{
    private Instruction Mov(Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        return Unary(Opcode.Mov, type, args, "mov");
    }

    private Instruction AddSub(string mnemonic, Modifiers modifiers, string[] args)
    {
        bool rn = modifiers.Take("rn");
        var type = modifiers.Type();
        modifiers.Done();
        bool add = mnemonic == "add";
        return type switch
        {
            PtxType.F32 => Binary(add ? Opcode.AddF32 : Opcode.SubF32, type, args, mnemonic),
            PtxType.F64 => Binary(add ? Opcode.AddF64 : Opcode.SubF64, type, args, mnemonic),
            _ when rn => throw new PtxSyntaxError($"{mnemonic}.rn needs a floating-point type"),
            _ => Integer(type, mnemonic, Binary(add ? Opcode.Add : Opcode.Sub, type, args, mnemonic)),
        };
    }

    private Instruction Mul(Modifiers modifiers, string[] args)
    {
        string? mode = modifiers.TakeAny("lo", "hi", "wide");
        bool rn = modifiers.Take("rn");
        var type = modifiers.Type();
        modifiers.Done();
        if (type.IsFloat())
        {
            return mode is null
                ? Binary(type == PtxType.F32 ? Opcode.MulF32 : Opcode.MulF64, type, args, "mul")
                : throw new PtxSyntaxError($"mul.{mode} needs an integer type");
        }

        RequireInteger(type, "mul");
        return rn ? throw new PtxSyntaxError("mul.rn needs a floating-point type") : mode switch
        {
            "lo" => Binary(Opcode.MulLo, type, args, "mul.lo"),
            "hi" => Binary(BySignAndWidth(type, Opcode.MulHiS32, Opcode.MulHiU32, Opcode.MulHiS64, Opcode.MulHiU64, "mul.hi"), type, args, "mul.hi"),
            "wide" => Binary(Wide(type, Opcode.MulWideS32, Opcode.MulWideU32, "mul.wide"), type, args, "mul.wide"),
            _ => throw new PtxSyntaxError("integer mul needs .lo, .hi or .wide"),
        };
    }

    private Instruction Mad(Modifiers modifiers, string[] args)
    {
        string? mode = modifiers.TakeAny("lo", "wide");
        bool rn = modifiers.Take("rn");
        var type = modifiers.Type();
        modifiers.Done();
        if (type.IsFloat())
        {
            // mad.rn.f32 is the fused multiply-add on sm_20 and later.
            return mode is null
                ? Ternary(type == PtxType.F32 ? Opcode.FmaF32 : Opcode.FmaF64, type, type, args, "mad")
                : throw new PtxSyntaxError($"mad.{mode} needs an integer type");
        }

        RequireInteger(type, "mad");
        return rn ? throw new PtxSyntaxError("mad.rn needs a floating-point type") : mode switch
        {
            "lo" => Ternary(Opcode.MadLo, type, type, args, "mad.lo"),
            "wide" => Ternary(Wide(type, Opcode.MadWideS32, Opcode.MadWideU32, "mad.wide"), type, type == PtxType.S32 ? PtxType.S64 : PtxType.U64, args, "mad.wide"),
            _ => throw new PtxSyntaxError("integer mad needs .lo or .wide"),
        };
    }

    private Instruction Fma(Modifiers modifiers, string[] args)
    {
        if (!modifiers.Take("rn"))
        {
            throw new PtxSyntaxError("fma is supported with .rn only");
        }

        var type = modifiers.Type();
        modifiers.Done();
        return type switch
        {
            PtxType.F32 => Ternary(Opcode.FmaF32, type, type, args, "fma"),
            PtxType.F64 => Ternary(Opcode.FmaF64, type, type, args, "fma"),
            _ => throw new PtxSyntaxError($"fma needs .f32 or .f64, not .{type.Name()}"),
        };
    }

    private Instruction DivRem(string mnemonic, Modifiers modifiers, string[] args)
    {
        bool rn = modifiers.Take("rn");
        var type = modifiers.Type();
        modifiers.Done();
        if (type.IsFloat())
        {
            return mnemonic == "div" && rn
                ? Binary(type == PtxType.F32 ? Opcode.DivF32 : Opcode.DivF64, type, args, "div")
                : throw new PtxSyntaxError($"floating-point {mnemonic} is supported as div.rn only");
        }

        var op = mnemonic == "div"
            ? BySignAndWidth(type, Opcode.DivS32, Opcode.DivU32, Opcode.DivS64, Opcode.DivU64, "div")
            : BySignAndWidth(type, Opcode.RemS32, Opcode.RemU32, Opcode.RemS64, Opcode.RemU64, "rem");
        return rn ? throw new PtxSyntaxError($"{mnemonic}.rn needs a floating-point type") : Binary(op, type, args, mnemonic);
    }

    private Instruction MinMax(string mnemonic, Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        bool min = mnemonic == "min";
        var op = type switch
        {
            PtxType.F32 => min ? Opcode.MinF32 : Opcode.MaxF32,
            PtxType.F64 => min ? Opcode.MinF64 : Opcode.MaxF64,
            _ => min
                ? BySignAndWidth(type, Opcode.MinS32, Opcode.MinU32, Opcode.MinS64, Opcode.MinU64, "min")
                : BySignAndWidth(type, Opcode.MaxS32, Opcode.MaxU32, Opcode.MaxS64, Opcode.MaxU64, "max"),
        };
        return Binary(op, type, args, mnemonic);
    }

    private Instruction AbsNeg(string mnemonic, Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        bool abs = mnemonic == "abs";
        var op = type switch
        {
            PtxType.F32 => abs ? Opcode.AbsF32 : Opcode.NegF32,
            PtxType.F64 => abs ? Opcode.AbsF64 : Opcode.NegF64,
            PtxType.S32 when abs => Opcode.AbsS32,
            PtxType.S64 when abs => Opcode.AbsS64,
            PtxType.S16 or PtxType.S32 or PtxType.S64 when !abs => Opcode.Neg,
            _ => throw new PtxSyntaxError($"{mnemonic} is supported on .s32, .s64, .f32, .f64, not .{type.Name()}"),
        };
        return Unary(op, type, args, mnemonic);
    }

    private Instruction Logic(string mnemonic, Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        if (type is not (PtxType.Pred or PtxType.B16 or PtxType.B32 or PtxType.B64))
        {
            throw new PtxSyntaxError($"{mnemonic} needs .pred, .b16, .b32 or .b64, not .{type.Name()}");
        }

        return mnemonic switch
        {
            "and" => Binary(Opcode.And, type, args, mnemonic),
            "or" => Binary(Opcode.Or, type, args, mnemonic),
            "xor" => Binary(Opcode.Xor, type, args, mnemonic),
            _ => Unary(Opcode.Not, type, args, mnemonic),
        };
    }

    private Instruction Shift(string mnemonic, Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        var op = (mnemonic, type) switch
        {
            ("shl", PtxType.B32) => Opcode.Shl32,
            ("shl", PtxType.B64) => Opcode.Shl64,
            ("shr", PtxType.B32 or PtxType.U32) => Opcode.ShrU32,
            ("shr", PtxType.S32) => Opcode.ShrS32,
            ("shr", PtxType.B64 or PtxType.U64) => Opcode.ShrU64,
            ("shr", PtxType.S64) => Opcode.ShrS64,
            _ => throw new PtxSyntaxError($"{mnemonic}.{type.Name()} is outside the supported PTX dialect"),
        };
        Expect(args, 3, mnemonic);
        var instruction = Instruction.Create(op, type);
        instruction.D = operands.Destination(args[0]);
        instruction.A = operands.Source(args[1], type);
        instruction.B = operands.Source(args[2], PtxType.U32);
        return instruction;
    }

    private Instruction BitCount(string mnemonic, Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        var op = (mnemonic, type) switch
        {
            ("popc", PtxType.B32) => Opcode.Popc32,
            ("popc", PtxType.B64) => Opcode.Popc64,
            ("clz", PtxType.B32) => Opcode.Clz32,
            ("clz", PtxType.B64) => Opcode.Clz64,
            _ => throw new PtxSyntaxError($"{mnemonic} needs .b32 or .b64"),
        };
        return Unary(op, type, args, mnemonic);
    }

    private Instruction FloatUnary(string mnemonic, Modifiers modifiers, string[] args)
    {
        bool approx = mnemonic is "ex2" or "lg2";
        if (!modifiers.Take(approx ? "approx" : "rn"))
        {
            throw new PtxSyntaxError(approx ? $"{mnemonic} is supported as {mnemonic}.approx only" : $"{mnemonic} is supported with .rn only");
        }

        bool ftz = approx && modifiers.Take("ftz");
        var type = modifiers.Type();
        modifiers.Done();
        var op = (mnemonic, type) switch
        {
            ("sqrt", PtxType.F32) => Opcode.SqrtF32,
            ("sqrt", PtxType.F64) => Opcode.SqrtF64,
            ("rcp", PtxType.F32) => Opcode.RcpF32,
            ("rcp", PtxType.F64) => Opcode.RcpF64,
            ("ex2", PtxType.F32) => Opcode.Ex2F32,
            ("lg2", PtxType.F32) => Opcode.Lg2F32,
            _ => throw new PtxSyntaxError($"{mnemonic}.{type.Name()} is outside the supported PTX dialect"),
        };
        var instruction = Unary(op, type, args, mnemonic);
        instruction.FlushToZero = ftz;
        return instruction;
    }

    private Instruction Setp(Modifiers modifiers, string[] args)
    {
        string compareName = modifiers.TakeAny("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs",
            "equ", "neu", "ltu", "leu", "gtu", "geu", "num", "nan") ?? throw new PtxSyntaxError("setp needs a comparison");
        var compare = Enum.Parse<Compare>(compareName, ignoreCase: true);
        var combine = modifiers.TakeAny("and", "or", "xor") switch
        {
            "and" => BoolCombine.And,
            "or" => BoolCombine.Or,
            "xor" => BoolCombine.Xor,
            _ => BoolCombine.None,
        };
        var type = modifiers.Type();
        modifiers.Done();
        bool floatCompare = compare is >= Compare.Equ;
        bool unsignedCompare = compare is Compare.Lo or Compare.Ls or Compare.Hi or Compare.Hs;
        var op = type switch
        {
            PtxType.F32 when !unsignedCompare => Opcode.SetpF32,
            PtxType.F64 when !unsignedCompare => Opcode.SetpF64,
            PtxType.S32 when !floatCompare && !unsignedCompare => Opcode.SetpS32,
            PtxType.S64 when !floatCompare && !unsignedCompare => Opcode.SetpS64,
            PtxType.U32 or PtxType.B32 when !floatCompare => Opcode.SetpU32,
            PtxType.U64 or PtxType.B64 when !floatCompare => Opcode.SetpU64,
            _ => throw new PtxSyntaxError($"setp.{compareName}.{type.Name()} is outside the supported PTX dialect"),
        };
        if (args.Length > 0 && args[0].Contains('|'))
        {
            throw new PtxSyntaxError("setp with two destinations (p|q) is outside the supported PTX dialect");
        }

        Expect(args, combine == BoolCombine.None ? 3 : 4, combine == BoolCombine.None ? "setp" : "setp with .and/.or/.xor");
        var instruction = Instruction.Create(op, type);
        instruction.Compare = compare;
        instruction.Combine = combine;
        instruction.D = operands.Destination(args[0]);
        instruction.A = operands.Source(args[1], type);
        instruction.B = operands.Source(args[2], type);
        if (combine != BoolCombine.None)
        {
            (instruction.C, instruction.NegatePredicate) = operands.Predicate(args[3]);
        }

        return instruction;
    }

    private Instruction Selp(Modifiers modifiers, string[] args)
    {
        var type = modifiers.Type();
        modifiers.Done();
        Expect(args, 4, "selp");
        var instruction = Binary(Opcode.Selp, type, args[..3], "selp");
        (instruction.C, bool negated) = operands.Predicate(args[3]);
        return negated ? throw new PtxSyntaxError("selp's predicate cannot be negated") : instruction;
    }

    private static Opcode Wide(PtxType type, Opcode signed, Opcode unsigned, string what) => type switch
    {
        PtxType.S32 => signed,
        PtxType.U32 => unsigned,
        _ => throw new PtxSyntaxError($"{what} is supported on .s32 and .u32, not .{type.Name()}"),
    };

    private static Instruction Integer(PtxType type, string what, Instruction instruction)
    {
        RequireInteger(type, what);
        return instruction;
    }
}
