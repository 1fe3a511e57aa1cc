using System.Globalization;
using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Parsing;

/// <summary>PTX immediate literals: integers (decimal, 0x hex, 0b binary, leading-0 octal, optional U suffix, optional '-'),
/// floats as 0fXXXXXXXX (f32 bits), 0dXXXXXXXXXXXXXXXX (f64 bits) or decimal with a point or exponent.</summary>
internal static class Literals
{
    /// <summary>True when the token starts like a number.</summary>
    public static bool IsNumber(string token) => token.Length > 0 && (char.IsAsciiDigit(token[0]) || (token[0] == '-' && token.Length > 1 && char.IsAsciiDigit(token[1])));

    /// <summary>The register-slot bit pattern of <paramref name="token"/> used as an operand of type <paramref name="type"/>.</summary>
    public static ulong Encode(string token, PtxType type)
    {
        if (token.Length > 2 && token[0] == '0' && (token[1] is 'f' or 'F' or 'd' or 'D'))
        {
            bool single = token[1] is 'f' or 'F';
            ulong bits = ParseHex(token.AsSpan(2), token, single ? 8 : 16);
            return type switch
            {
                PtxType.F32 when !single => FloatBits((float)BitConverter.UInt64BitsToDouble(bits)),
                PtxType.F64 when single => DoubleBits(BitConverter.UInt32BitsToSingle((uint)bits)),
                _ => bits,
            };
        }

        bool isFloatText = token.Contains('.') || (!token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && token.Contains('e', StringComparison.OrdinalIgnoreCase));
        if (type.IsFloat())
        {
            double value = isFloatText ? ParseDecimalFloat(token) : (double)(long)ParseInteger(token);
            return type == PtxType.F32 ? FloatBits((float)value) : DoubleBits(value);
        }

        if (isFloatText)
        {
            throw new PtxSyntaxError($"floating-point literal '{token}' used as a .{type.Name()} operand");
        }

        return ParseInteger(token);
    }

    /// <summary>An integer literal as a 64-bit two's complement pattern.</summary>
    public static ulong ParseInteger(string token)
    {
        ReadOnlySpan<char> text = token;
        bool negative = text.StartsWith("-");
        if (negative)
        {
            text = text[1..];
        }

        if (text.EndsWith("U") || text.EndsWith("u"))
        {
            text = text[..^1];
        }

        ulong magnitude;
        bool ok;
        if (text.StartsWith("0x") || text.StartsWith("0X"))
        {
            ok = ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude);
        }
        else if (text.StartsWith("0b") || text.StartsWith("0B"))
        {
            ok = ulong.TryParse(text[2..], NumberStyles.AllowBinarySpecifier, CultureInfo.InvariantCulture, out magnitude);
        }
        else if (text.Length > 1 && text[0] == '0')
        {
            ok = TryParseOctal(text[1..], out magnitude);
        }
        else
        {
            ok = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        }

        if (!ok)
        {
            throw new PtxSyntaxError($"'{token}' is not an integer literal");
        }

        return negative ? unchecked(0UL - magnitude) : magnitude;
    }

    /// <summary>Bits of an f32 in a register slot.</summary>
    public static ulong FloatBits(float value) => BitConverter.SingleToUInt32Bits(value);

    /// <summary>Bits of an f64 in a register slot.</summary>
    public static ulong DoubleBits(double value) => BitConverter.DoubleToUInt64Bits(value);

    private static ulong ParseHex(ReadOnlySpan<char> digits, string token, int count)
    {
        if (digits.Length != count || !ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong bits))
        {
            throw new PtxSyntaxError($"'{token}' is not a floating-point bit literal ({count} hex digits expected)");
        }

        return bits;
    }

    private static double ParseDecimalFloat(string token) =>
        double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new PtxSyntaxError($"'{token}' is not a floating-point literal");

    private static bool TryParseOctal(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (char digit in digits)
        {
            if (digit is < '0' or > '7' || value > ulong.MaxValue >> 3)
            {
                return false;
            }

            value = (value << 3) | (uint)(digit - '0');
        }

        return true;
    }
}
