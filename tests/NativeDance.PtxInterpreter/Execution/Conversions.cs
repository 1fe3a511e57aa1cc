using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>
/// cvt with PTX semantics: integer sources are sign- or zero-extended from their width; float-to-integer rounds with
/// .rni/.rzi/.rmi/.rpi and always saturates to the destination range (NaN gives 0); integer-to-float and f64-to-f32 round
/// exactly with .rn/.rz/.rm/.rp; .sat on a float destination clamps to [0, 1] (NaN gives 0).
/// </summary>
internal static class Conversions
{
    /// <summary>A register value of <paramref name="type"/> widened to 64 bits (sign-extended for signed types).</summary>
    public static ulong Extend(ulong bits, PtxType type) => type switch
    {
        PtxType.S8 => (ulong)(long)(sbyte)bits,
        PtxType.S16 => (ulong)(long)(short)bits,
        PtxType.S32 => (ulong)(long)(int)bits,
        PtxType.B8 or PtxType.U8 => (byte)bits,
        PtxType.B16 or PtxType.U16 => (ushort)bits,
        PtxType.B32 or PtxType.U32 or PtxType.F32 => (uint)bits,
        _ => bits,
    };

    /// <summary>cvt.rounding.sat.to.from applied to the slot bits <paramref name="bits"/>.</summary>
    public static ulong Convert(ulong bits, PtxType from, PtxType to, Rounding rounding, bool saturate)
    {
        if (from.IsFloat())
        {
            double x = from == PtxType.F32 ? Bits.F32(bits) : Bits.F64(bits);
            return to.IsFloat() ? FloatToFloat(x, from, to, rounding, saturate) : FloatToInteger(x, to, rounding);
        }

        ulong value = Extend(bits, from);
        if (to.IsFloat())
        {
            bool negative = from.IsSigned() && (long)value < 0;
            ulong magnitude = negative ? unchecked(0UL - value) : value;
            double result = RoundInteger(magnitude, negative, to == PtxType.F32 ? 24 : 53, rounding);
            return Float(saturate ? Saturate(result) : result, to);
        }

        return saturate ? Clamp(value, from.IsSigned(), to) : value;
    }

    private static ulong FloatToFloat(double x, PtxType from, PtxType to, Rounding rounding, bool saturate)
    {
        double result = from == to ? RoundToIntegral(x, rounding)
            : to == PtxType.F64 ? x
            : NarrowToSingle(x, rounding);
        return Float(saturate ? Saturate(result) : result, to);
    }

    private static ulong FloatToInteger(double x, PtxType to, Rounding rounding)
    {
        if (double.IsNaN(x))
        {
            return 0;
        }

        double integral = RoundToIntegral(x, rounding);
        int bits = to.Size() * 8;
        if (to.IsSigned())
        {
            double limit = Math.ScaleB(1.0, bits - 1);
            long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
            long min = bits == 64 ? long.MinValue : -(1L << (bits - 1));
            return (ulong)(integral >= limit ? max : integral < -limit ? min : (long)integral);
        }

        double unsignedLimit = Math.ScaleB(1.0, bits);
        return integral <= 0 ? 0
            : integral >= unsignedLimit ? (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1)
            : (ulong)integral;
    }

    private static double RoundToIntegral(double x, Rounding rounding) => rounding switch
    {
        Rounding.Rni => Math.Round(x, MidpointRounding.ToEven),
        Rounding.Rzi => Math.Truncate(x),
        Rounding.Rmi => Math.Floor(x),
        Rounding.Rpi => Math.Ceiling(x),
        _ => throw new PtxFault($"cvt rounding {rounding} does not round to an integer"),
    };

    /// <summary>f64 to f32 with a directed rounding: the nearest float, stepped one ulp where it lies on the wrong side.</summary>
    private static double NarrowToSingle(double x, Rounding rounding)
    {
        float nearest = (float)x;
        if (double.IsNaN(x) || nearest == x || rounding is Rounding.Rn or Rounding.None)
        {
            return nearest;
        }

        bool tooHigh = nearest > x;
        return rounding switch
        {
            Rounding.Rm => tooHigh ? MathF.BitDecrement(nearest) : nearest,
            Rounding.Rp => tooHigh ? nearest : MathF.BitIncrement(nearest),
            _ => tooHigh == (x > 0) ? (x > 0 ? MathF.BitDecrement(nearest) : MathF.BitIncrement(nearest)) : nearest,
        };
    }

    /// <summary>An integer magnitude rounded to a float with <paramref name="mantissaBits"/> significant bits, exactly.</summary>
    private static double RoundInteger(ulong magnitude, bool negative, int mantissaBits, Rounding rounding)
    {
        int length = 64 - System.Numerics.BitOperations.LeadingZeroCount(magnitude);
        int shift = length - mantissaBits;
        if (shift <= 0)
        {
            return negative ? -(double)magnitude : magnitude;
        }

        ulong kept = magnitude >> shift;
        ulong dropped = magnitude & ((1UL << shift) - 1);
        ulong half = 1UL << (shift - 1);
        bool up = rounding switch
        {
            Rounding.Rz => false,
            Rounding.Rm => negative && dropped != 0,
            Rounding.Rp => !negative && dropped != 0,
            _ => dropped > half || (dropped == half && (kept & 1) != 0),
        };
        double result = Math.ScaleB(kept + (up ? 1UL : 0UL), shift);
        return negative ? -result : result;
    }

    private static ulong Clamp(ulong value, bool signedSource, PtxType to)
    {
        int bits = to.Size() * 8;
        if (to.IsSigned())
        {
            long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
            long min = bits == 64 ? long.MinValue : -(1L << (bits - 1));
            if (!signedSource)
            {
                return value > (ulong)max ? (ulong)max : value;
            }

            long signedValue = (long)value;
            return (ulong)Math.Clamp(signedValue, min, max);
        }

        ulong unsignedMax = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        return signedSource && (long)value < 0 ? 0 : Math.Min(value, unsignedMax);
    }

    private static double Saturate(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0, 1);

    private static ulong Float(double value, PtxType to) => to == PtxType.F32 ? Bits.Of((float)value) : Bits.Of(value);
}
