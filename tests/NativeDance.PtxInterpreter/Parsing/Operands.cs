using System.Text.RegularExpressions;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>A declared variable (shared, local or parameter) whose name can appear as an address or a mov source.</summary>
/// <param name="Space">Its state space.</param>
/// <param name="Slot">Register slot holding its address in that space.</param>
internal readonly record struct Symbol(MemorySpace Space, int Slot);

/// <summary>
/// The register file layout of one entry under construction, and operand resolution: declared registers, special registers
/// and constants (immediates, symbol addresses) each get a slot; every source operand resolves to a slot.
/// </summary>
internal sealed partial class Operands
{
    private readonly Dictionary<string, int> _registers = [];
    private readonly Dictionary<int, PtxType> _registerTypes = [];
    private readonly Dictionary<ulong, int> _constants = [];
    private readonly Dictionary<SpecialRegister, int> _specials = [];
    private readonly Dictionary<string, Symbol> _symbols = [];
    private readonly List<ulong> _initial = [];

    /// <summary>Slots allocated so far.</summary>
    public int SlotCount => _initial.Count;

    /// <summary>Initial value of every slot (constants; zeros elsewhere).</summary>
    public ulong[] InitialSlots() => [.. _initial];

    /// <summary>Slots holding special registers.</summary>
    public (int Slot, SpecialRegister Register)[] Specials() => _specials.Select(s => (s.Value, s.Key)).ToArray();

    /// <summary>Declares a register name of a type.</summary>
    public void DeclareRegister(string name, PtxType type)
    {
        if (_registers.ContainsKey(name) || _symbols.ContainsKey(name))
        {
            throw new PtxSyntaxError($"'{name}' is declared twice");
        }

        int slot = NewSlot(0);
        _registers.Add(name, slot);
        _registerTypes.Add(slot, type);
    }

    /// <summary>Declares a variable whose address in its space is <paramref name="address"/> (extern arrays: set later by <see cref="SetSymbolAddress"/>).</summary>
    public void DeclareSymbol(string name, MemorySpace space, ulong address)
    {
        if (_registers.ContainsKey(name) || _symbols.ContainsKey(name))
        {
            throw new PtxSyntaxError($"'{name}' is declared twice");
        }

        _symbols.Add(name, new Symbol(space, NewSlot(address)));
    }

    /// <summary>Sets the address of a symbol declared before its address was known (extern shared arrays).</summary>
    public void SetSymbolAddress(string name, ulong address) => _initial[_symbols[name].Slot] = address;

    /// <summary>Slot of a declared register used as a destination.</summary>
    public int Destination(string token)
    {
        if (!_registers.TryGetValue(token, out int slot))
        {
            throw new PtxSyntaxError(token.StartsWith('%') ? $"register '{token}' is not declared (or not writable)" : $"'{token}' is not a register");
        }

        return slot;
    }

    /// <summary>Slot of a source operand of type <paramref name="type"/>: register, special register, symbol address or immediate.</summary>
    public int Source(string token, PtxType type)
    {
        if (_registers.TryGetValue(token, out int slot))
        {
            return slot;
        }

        if (token.StartsWith('%'))
        {
            return SpecialSlot(token);
        }

        if (_symbols.TryGetValue(token, out var symbol))
        {
            return symbol.Slot;
        }

        if (Literals.IsNumber(token))
        {
            return Constant(Literals.Encode(token, type));
        }

        throw new PtxSyntaxError($"'{token}' is neither a declared register, a variable nor a literal");
    }

    /// <summary>A predicate operand with an optional '!': its slot and whether it is negated.</summary>
    public (int Slot, bool Negated) Predicate(string token)
    {
        bool negated = token.StartsWith('!');
        string name = negated ? token[1..].Trim() : token;
        int slot = Source(name, PtxType.Pred);
        if (_registerTypes.TryGetValue(slot, out var type) && type != PtxType.Pred)
        {
            throw new PtxSyntaxError($"'{name}' is a .{type.Name()} register where a predicate is expected");
        }

        return (slot, negated);
    }

    /// <summary>The slots of a vector operand {a, b, c, d} (or a single operand), destinations or sources.</summary>
    public int[] Vector(string token, PtxType type, bool destinations)
    {
        string[] elements = token.StartsWith('{') && token.EndsWith('}')
            ? token[1..^1].Split(',', StringSplitOptions.TrimEntries)
            : [token];
        return elements.Select(e => destinations ? Destination(e) : Source(e, type)).ToArray();
    }

    /// <summary>An address operand [base], [base+imm], [base-imm] or [imm]: base slot, offset, whether the base is a 32-bit
    /// register, and the space of a symbol base (null for register bases).</summary>
    public (int Base, long Offset, bool Is32Bit, MemorySpace? SymbolSpace) Address(string token)
    {
        var match = AddressPattern().Match(token);
        if (!match.Success)
        {
            throw new PtxSyntaxError($"'{token}' is not an address of the form [reg], [reg+imm], [var], [var+imm]");
        }

        string baseText = match.Groups[1].Value;
        long offset = 0;
        if (match.Groups[3].Success)
        {
            offset = (long)Literals.ParseInteger(match.Groups[3].Value.Replace(" ", "", StringComparison.Ordinal));
            offset = match.Groups[2].Value == "-" ? -offset : offset;
        }

        if (Literals.IsNumber(baseText))
        {
            return (Constant(0), offset + (long)Literals.ParseInteger(baseText), false, null);
        }

        if (_symbols.TryGetValue(baseText, out var symbol))
        {
            return (symbol.Slot, offset, false, symbol.Space);
        }

        if (!_registers.TryGetValue(baseText, out int slot))
        {
            throw new PtxSyntaxError($"address base '{baseText}' is not a declared register or variable");
        }

        var type = _registerTypes[slot];
        if (type.Size() != 4 && type.Size() != 8)
        {
            throw new PtxSyntaxError($"address base '{baseText}' is a .{type.Name()} register (32 or 64 bits needed)");
        }

        return (slot, offset, type.Size() == 4, null);
    }

    /// <summary>The slot holding constant bits <paramref name="value"/>.</summary>
    public int Constant(ulong value)
    {
        if (!_constants.TryGetValue(value, out int slot))
        {
            slot = NewSlot(value);
            _constants.Add(value, slot);
        }

        return slot;
    }

    private int SpecialSlot(string token)
    {
        var register = token switch
        {
            "%tid.x" => SpecialRegister.TidX, "%tid.y" => SpecialRegister.TidY, "%tid.z" => SpecialRegister.TidZ,
            "%ntid.x" => SpecialRegister.NtidX, "%ntid.y" => SpecialRegister.NtidY, "%ntid.z" => SpecialRegister.NtidZ,
            "%ctaid.x" => SpecialRegister.CtaidX, "%ctaid.y" => SpecialRegister.CtaidY, "%ctaid.z" => SpecialRegister.CtaidZ,
            "%nctaid.x" => SpecialRegister.NctaidX, "%nctaid.y" => SpecialRegister.NctaidY, "%nctaid.z" => SpecialRegister.NctaidZ,
            "%laneid" => SpecialRegister.LaneId, "%warpid" => SpecialRegister.WarpId, "%nwarpid" => SpecialRegister.NWarpId,
            _ => throw new PtxSyntaxError($"register '{token}' is not declared (and is no supported special register)"),
        };
        if (!_specials.TryGetValue(register, out int slot))
        {
            slot = NewSlot(0);
            _specials.Add(register, slot);
        }

        return slot;
    }

    private int NewSlot(ulong value)
    {
        _initial.Add(value);
        return _initial.Count - 1;
    }

    [GeneratedRegex(@"^\[\s*([^\s+\-\]]+)\s*(?:([+-])\s*([^\]]+?))?\s*\]$")]
    private static partial Regex AddressPattern();
}
