using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>Block barriers (bar.sync, bar.red) and warp collectives (shfl.sync, vote.sync).</summary>
internal sealed partial class InstructionDecoder
{
    private Instruction Barrier(Modifiers modifiers, string[] args)
    {
        modifiers.Take("aligned");
        if (modifiers.Take("sync"))
        {
            modifiers.Done();
            if (args.Length != 1)
            {
                throw new PtxSyntaxError("bar.sync is supported with a barrier number only (no thread count)");
            }

            var sync = Instruction.Create(Opcode.BarSync, PtxType.None);
            sync.A = BarrierNumber(args[0]);
            return sync;
        }

        if (!modifiers.Take("red"))
        {
            throw new PtxSyntaxError("bar is supported as bar.sync and bar.red only");
        }

        var reduction = modifiers.TakeAny("popc", "and", "or") switch
        {
            "popc" => BarrierReduction.Popc,
            "and" => BarrierReduction.And,
            "or" => BarrierReduction.Or,
            _ => throw new PtxSyntaxError("bar.red needs .popc, .and or .or"),
        };
        var type = modifiers.Type();
        modifiers.Done();
        if (type != (reduction == BarrierReduction.Popc ? PtxType.U32 : PtxType.Pred))
        {
            throw new PtxSyntaxError(reduction == BarrierReduction.Popc ? "bar.red.popc needs .u32" : "bar.red.and/.or needs .pred");
        }

        if (args.Length != 3)
        {
            throw new PtxSyntaxError("bar.red is supported as bar.red.op.type d, barrier, {!}p (no thread count)");
        }

        var instruction = Instruction.Create(Opcode.BarRed, type);
        instruction.Reduction = reduction;
        instruction.D = operands.Destination(args[0]);
        instruction.A = BarrierNumber(args[1]);
        (instruction.C, instruction.NegatePredicate) = operands.Predicate(args[2]);
        return instruction;
    }

    private int BarrierNumber(string token)
    {
        if (!Literals.IsNumber(token) || Literals.ParseInteger(token) > 15)
        {
            throw new PtxSyntaxError($"barrier number '{token}' must be an immediate in [0, 15]");
        }

        return operands.Constant(Literals.ParseInteger(token));
    }

    private Instruction Shuffle(Modifiers modifiers, string[] args)
    {
        if (!modifiers.Take("sync"))
        {
            throw new PtxSyntaxError("shfl is supported as shfl.sync only");
        }

        var mode = modifiers.TakeAny("up", "down", "bfly", "idx") is { } name
            ? Enum.Parse<ShuffleMode>(name, ignoreCase: true)
            : throw new PtxSyntaxError("shfl.sync needs .up, .down, .bfly or .idx");
        var type = modifiers.Type();
        modifiers.Done();
        if (type != PtxType.B32)
        {
            throw new PtxSyntaxError("shfl.sync needs .b32");
        }

        Expect(args, 5, "shfl.sync");
        var instruction = Instruction.Create(Opcode.Shfl, type);
        instruction.Shuffle = mode;
        string[] destinations = args[0].Split('|', StringSplitOptions.TrimEntries);
        instruction.D = operands.Destination(destinations[0]);
        if (destinations.Length == 2)
        {
            instruction.D2 = operands.Destination(destinations[1]);
        }

        instruction.A = operands.Source(args[1], type);
        instruction.B = operands.Source(args[2], PtxType.U32);
        instruction.C = operands.Source(args[3], PtxType.U32);
        instruction.Mask = operands.Source(args[4], PtxType.U32);
        return instruction;
    }

    private Instruction Vote(Modifiers modifiers, string[] args)
    {
        if (!modifiers.Take("sync"))
        {
            throw new PtxSyntaxError("vote is supported as vote.sync only");
        }

        var mode = modifiers.TakeAny("all", "any", "uni", "ballot") is { } name
            ? Enum.Parse<VoteMode>(name, ignoreCase: true)
            : throw new PtxSyntaxError("vote.sync needs .all, .any, .uni or .ballot");
        var type = modifiers.Type();
        modifiers.Done();
        if (type != (mode == VoteMode.Ballot ? PtxType.B32 : PtxType.Pred))
        {
            throw new PtxSyntaxError(mode == VoteMode.Ballot ? "vote.sync.ballot needs .b32" : "vote.sync.all/.any/.uni needs .pred");
        }

        Expect(args, 3, "vote.sync");
        var instruction = Instruction.Create(Opcode.Vote, type);
        instruction.Vote = mode;
        instruction.D = operands.Destination(args[0]);
        (instruction.A, instruction.NegatePredicate) = operands.Predicate(args[1]);
        instruction.Mask = operands.Source(args[2], PtxType.U32);
        return instruction;
    }
}
