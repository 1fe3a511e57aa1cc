namespace NativeDance.PtxInterpreter.Execution;

/// <summary>
/// PTX floating-point semantics the hardware rounding of .NET does not give directly. add/sub/mul/fma/div/sqrt with .rn are
/// IEEE round-to-nearest-even and map one to one onto float/double arithmetic and MathF.FusedMultiplyAdd; these helpers
/// cover min/max (NaN handling) and the .approx functions (computed with MathF: not bit exact with the GPU's MUFU unit,
/// whose ex2/lg2 have about 2 ulp of error).
/// </summary>
internal static class FloatOps
{
    /// <summary>min.f32: a NaN operand yields the other operand; -0 is less than +0.</summary>
    public static float Min(float a, float b) => float.IsNaN(a) ? b : float.IsNaN(b) ? a : MathF.Min(a, b);

    /// <summary>max.f32: a NaN operand yields the other operand; +0 is greater than -0.</summary>
    public static float Max(float a, float b) => float.IsNaN(a) ? b : float.IsNaN(b) ? a : MathF.Max(a, b);

    /// <summary>min.f64.</summary>
    public static double Min(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

    /// <summary>max.f64.</summary>
    public static double Max(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);

    /// <summary>ex2.approx.f32 (with .ftz when <paramref name="flush"/>).</summary>
    public static float Exp2(float x, bool flush) => flush ? Bits.FlushSubnormal(float.Exp2(Bits.FlushSubnormal(x))) : float.Exp2(x);

    /// <summary>lg2.approx.f32 (with .ftz when <paramref name="flush"/>).</summary>
    public static float Log2(float x, bool flush) => flush ? MathF.Log2(Bits.FlushSubnormal(x)) : MathF.Log2(x);

    /// <summary>setp on floats; the U-suffixed comparisons are true when an operand is NaN.</summary>
    public static bool Compare(Program.Compare compare, double a, double b)
    {
        bool unordered = double.IsNaN(a) || double.IsNaN(b);
        return compare switch
        {
            Program.Compare.Eq => a == b,
            Program.Compare.Ne => !unordered && a != b,
            Program.Compare.Lt => a < b,
            Program.Compare.Le => a <= b,
            Program.Compare.Gt => a > b,
            Program.Compare.Ge => a >= b,
            Program.Compare.Equ => unordered || a == b,
            Program.Compare.Neu => a != b,
            Program.Compare.Ltu => unordered || a < b,
            Program.Compare.Leu => unordered || a <= b,
            Program.Compare.Gtu => unordered || a > b,
            Program.Compare.Geu => unordered || a >= b,
            Program.Compare.Num => !unordered,
            _ => unordered,
        };
    }
}
