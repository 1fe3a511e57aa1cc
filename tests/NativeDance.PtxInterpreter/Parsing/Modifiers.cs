using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>The dot-separated modifiers of an opcode ("ld.global.nc.v4.f32" -> global, nc, v4, f32), consumed one by one;
/// <see cref="Done"/> rejects any modifier the decoder did not consume.</summary>
internal sealed class Modifiers(string opcode)
{
    private readonly List<string> _tokens = opcode.Split('.').Skip(1).ToList();

    /// <summary>Removes <paramref name="modifier"/> if present.</summary>
    public bool Take(string modifier) => _tokens.Remove(modifier);

    /// <summary>Removes and returns the first of <paramref name="options"/> present, null when none is.</summary>
    public string? TakeAny(params ReadOnlySpan<string> options)
    {
        foreach (string token in _tokens)
        {
            if (options.Contains(token))
            {
                _tokens.Remove(token);
                return token;
            }
        }

        return null;
    }

    /// <summary>Removes and returns the first type modifier; throws when there is none.</summary>
    public PtxType Type()
    {
        var type = TypeOrNone();
        return type != PtxType.None ? type : throw new PtxSyntaxError($"'{opcode}' has no type suffix");
    }

    /// <summary>Removes and returns the first type modifier, None when there is none.</summary>
    public PtxType TypeOrNone()
    {
        foreach (string token in _tokens)
        {
            var type = PtxTypes.Parse(token);
            if (type != PtxType.None)
            {
                _tokens.Remove(token);
                return type;
            }
        }

        return PtxType.None;
    }

    /// <summary>Throws when a modifier was left unconsumed.</summary>
    public void Done()
    {
        if (_tokens.Count > 0)
        {
            throw new PtxSyntaxError($"modifier .{_tokens[0]} of '{opcode}' is outside the supported PTX dialect");
        }
    }
}
