using NativeDance.PtxInterpreter.Program;

namespace NativeDance.PtxInterpreter.Execution;

/// <summary>PTX integer semantics: division faults on zero, shifts clamp at the operand width, comparisons.</summary>
internal static class IntegerOps
{
    /// <summary>div.s32 (INT_MIN / -1 wraps to INT_MIN).</summary>
    public static int Div(int a, int b) => b == 0 ? throw DivideByZero() : b == -1 ? unchecked(-a) : a / b;

    /// <summary>div.s64.</summary>
    public static long Div(long a, long b) => b == 0 ? throw DivideByZero() : b == -1 ? unchecked(-a) : a / b;

    /// <summary>div.u32.</summary>
    public static uint Div(uint a, uint b) => b == 0 ? throw DivideByZero() : a / b;

    /// <summary>div.u64.</summary>
    public static ulong Div(ulong a, ulong b) => b == 0 ? throw DivideByZero() : a / b;

    /// <summary>rem.s32 (sign of the dividend).</summary>
    public static int Rem(int a, int b) => b == 0 ? throw DivideByZero() : b == -1 ? 0 : a % b;

    /// <summary>rem.s64.</summary>
    public static long Rem(long a, long b) => b == 0 ? throw DivideByZero() : b == -1 ? 0 : a % b;

    /// <summary>rem.u32.</summary>
    public static uint Rem(uint a, uint b) => b == 0 ? throw DivideByZero() : a % b;

    /// <summary>rem.u64.</summary>
    public static ulong Rem(ulong a, ulong b) => b == 0 ? throw DivideByZero() : a % b;

    /// <summary>shl.b32: amounts above 31 give 0.</summary>
    public static uint Shl(uint a, uint amount) => amount >= 32 ? 0 : a << (int)amount;

    /// <summary>shl.b64: amounts above 63 give 0.</summary>
    public static ulong Shl(ulong a, uint amount) => amount >= 64 ? 0 : a << (int)amount;

    /// <summary>shr.u32/.b32 (logical): amounts above 31 give 0.</summary>
    public static uint Shr(uint a, uint amount) => amount >= 32 ? 0 : a >> (int)amount;

    /// <summary>shr.u64/.b64 (logical).</summary>
    public static ulong Shr(ulong a, uint amount) => amount >= 64 ? 0 : a >> (int)amount;

    /// <summary>shr.s32 (arithmetic): amounts above 31 fill with the sign.</summary>
    public static int Shr(int a, uint amount) => a >> (int)Math.Min(amount, 31u);

    /// <summary>shr.s64 (arithmetic).</summary>
    public static long Shr(long a, uint amount) => a >> (int)Math.Min(amount, 63u);

    /// <summary>setp on signed integers.</summary>
    public static bool Compare(Compare compare, long a, long b) => compare switch
    {
        Program.Compare.Eq => a == b,
        Program.Compare.Ne => a != b,
        Program.Compare.Lt => a < b,
        Program.Compare.Le => a <= b,
        Program.Compare.Gt => a > b,
        _ => a >= b,
    };

    /// <summary>setp on unsigned and bit-size integers (lo/ls/hi/hs are lt/le/gt/ge).</summary>
    public static bool Compare(Compare compare, ulong a, ulong b) => compare switch
    {
        Program.Compare.Eq => a == b,
        Program.Compare.Ne => a != b,
        Program.Compare.Lt or Program.Compare.Lo => a < b,
        Program.Compare.Le or Program.Compare.Ls => a <= b,
        Program.Compare.Gt or Program.Compare.Hi => a > b,
        _ => a >= b,
    };

    private static PtxFault DivideByZero() => new("integer division by zero");
}
