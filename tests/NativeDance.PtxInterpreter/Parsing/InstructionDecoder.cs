using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>
/// Decodes one instruction statement ("@!%p1 ld.global.v4.f32 {%f1,%f2,%f3,%f4}, [%rd1+16]") into an <see cref="Instruction"/>.
/// Anything outside the supported dialect (README.md) throws <see cref="PtxSyntaxError"/>.
/// </summary>
internal sealed partial class InstructionDecoder(Operands operands)
{
    /// <summary>Decodes <paramref name="statement"/>; <paramref name="label"/> is the branch target name of bra, else null.</summary>
    public Instruction Decode(string statement, out string? label)
    {
        label = null;
        string rest = statement;
        int guard = -1;
        bool guardNegated = false;
        if (rest.StartsWith('@'))
        {
            int space = IndexOfWhitespace(rest);
            if (space < 0)
            {
                throw new PtxSyntaxError("guard without an instruction");
            }

            (guard, guardNegated) = operands.Predicate(rest[1..space]);
            rest = rest[space..].TrimStart();
        }

        int end = IndexOfWhitespace(rest);
        string opcode = end < 0 ? rest : rest[..end];
        string[] args = SplitOperands(end < 0 ? "" : rest[end..].Trim());
        var modifiers = new Modifiers(opcode);
        string mnemonic = opcode.Split('.')[0];
        var instruction = mnemonic switch
        {
            "mov" => Mov(modifiers, args),
            "add" or "sub" => AddSub(mnemonic, modifiers, args),
            "mul" => Mul(modifiers, args),
            "mad" => Mad(modifiers, args),
            "fma" => Fma(modifiers, args),
            "div" or "rem" => DivRem(mnemonic, modifiers, args),
            "min" or "max" => MinMax(mnemonic, modifiers, args),
            "abs" or "neg" => AbsNeg(mnemonic, modifiers, args),
            "and" or "or" or "xor" or "not" => Logic(mnemonic, modifiers, args),
            "shl" or "shr" => Shift(mnemonic, modifiers, args),
            "popc" or "clz" => BitCount(mnemonic, modifiers, args),
            "sqrt" or "rcp" or "ex2" or "lg2" => FloatUnary(mnemonic, modifiers, args),
            "setp" => Setp(modifiers, args),
            "selp" => Selp(modifiers, args),
            "cvt" => Cvt(modifiers, args),
            "cvta" => Cvta(modifiers, args),
            "ld" => Load(modifiers, args),
            "st" => Store(modifiers, args),
            "atom" or "red" => Atomic(mnemonic, modifiers, args),
            "bra" => Branch(modifiers, args, out label),
            "ret" or "exit" => NoOperands(Opcode.Exit, modifiers, args),
            "trap" => NoOperands(Opcode.Trap, modifiers, args),
            "membar" or "fence" => Fence(modifiers, args),
            "bar" or "barrier" => Barrier(modifiers, args),
            "shfl" => Shuffle(modifiers, args),
            "vote" => Vote(modifiers, args),
            _ => throw new PtxSyntaxError($"instruction '{opcode}' is outside the supported PTX dialect"),
        };
        instruction.Guard = guard;
        instruction.GuardNegated = guardNegated;
        return instruction;
    }

    private static int IndexOfWhitespace(string text) => text.AsSpan().IndexOfAny(' ', '\t');

    /// <summary>Splits at commas outside braces and brackets.</summary>
    private static string[] SplitOperands(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var result = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    result.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }

        result.Add(text[start..].Trim());
        return [.. result];
    }

    private static void Expect(string[] args, int count, string what)
    {
        if (args.Length != count)
        {
            throw new PtxSyntaxError($"{what} takes {count} operands, found {args.Length}");
        }
    }

    private Instruction Unary(Opcode op, PtxType type, string[] args, string what)
    {
        Expect(args, 2, what);
        var instruction = Instruction.Create(op, type);
        instruction.D = operands.Destination(args[0]);
        instruction.A = operands.Source(args[1], type);
        return instruction;
    }

    private Instruction Binary(Opcode op, PtxType type, string[] args, string what)
    {
        Expect(args, 3, what);
        var instruction = Instruction.Create(op, type);
        instruction.D = operands.Destination(args[0]);
        instruction.A = operands.Source(args[1], type);
        instruction.B = operands.Source(args[2], type);
        return instruction;
    }

    private Instruction Ternary(Opcode op, PtxType type, PtxType thirdType, string[] args, string what)
    {
        Expect(args, 4, what);
        var instruction = Binary(op, type, args[..3], what);
        instruction.C = operands.Source(args[3], thirdType);
        return instruction;
    }

    private static Instruction NoOperands(Opcode op, Modifiers modifiers, string[] args)
    {
        modifiers.Done();
        Expect(args, 0, op.ToString().ToLowerInvariant());
        return Instruction.Create(op, PtxType.None);
    }

    private static Instruction Fence(Modifiers modifiers, string[] args)
    {
        while (modifiers.TakeAny("cta", "gl", "gpu", "sys", "sc", "acq_rel") is not null)
        {
        }

        return NoOperands(Opcode.Fence, modifiers, args);
    }

    private static Instruction Branch(Modifiers modifiers, string[] args, out string label)
    {
        modifiers.Take("uni");
        modifiers.Done();
        Expect(args, 1, "bra");
        label = args[0];
        return Instruction.Create(Opcode.Bra, PtxType.None);
    }

    private static void RequireInteger(PtxType type, string what)
    {
        if (!type.IsInteger())
        {
            throw new PtxSyntaxError($"{what} needs an integer type, not .{type.Name()}");
        }
    }

    /// <summary>Picks the opcode for a 32- or 64-bit signed or unsigned integer type from four candidates.</summary>
    private static Opcode BySignAndWidth(PtxType type, Opcode s32, Opcode u32, Opcode s64, Opcode u64, string what) => type switch
    {
        PtxType.S32 => s32,
        PtxType.U32 or PtxType.B32 => u32,
        PtxType.S64 => s64,
        PtxType.U64 or PtxType.B64 => u64,
        _ => throw new PtxSyntaxError($"{what} is supported on 32 and 64-bit integers, not .{type.Name()}"),
    };
}
