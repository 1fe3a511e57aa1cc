namespace NativeDance.PtxInterpreter.Program;

/// <summary>The PTX fundamental types of the dialect (instruction type suffixes, register and variable types).</summary>
internal enum PtxType : byte
{
    None,
    Pred,
    B8, U8, S8,
    B16, U16, S16,
    B32, U32, S32, F32,
    B64, U64, S64, F64,
}

/// <summary>Sizes, signedness and names of <see cref="PtxType"/>.</summary>
internal static class PtxTypes
{
    /// <summary>Parses a type suffix without its dot ("u32"); None when the token is no type.</summary>
    public static PtxType Parse(string token) => token switch
    {
        "pred" => PtxType.Pred,
        "b8" => PtxType.B8, "u8" => PtxType.U8, "s8" => PtxType.S8,
        "b16" => PtxType.B16, "u16" => PtxType.U16, "s16" => PtxType.S16,
        "b32" => PtxType.B32, "u32" => PtxType.U32, "s32" => PtxType.S32, "f32" => PtxType.F32,
        "b64" => PtxType.B64, "u64" => PtxType.U64, "s64" => PtxType.S64, "f64" => PtxType.F64,
        _ => PtxType.None,
    };

    /// <summary>Bytes of one value (predicates count as 1).</summary>
    public static int Size(this PtxType type) => type switch
    {
        PtxType.Pred or PtxType.B8 or PtxType.U8 or PtxType.S8 => 1,
        PtxType.B16 or PtxType.U16 or PtxType.S16 => 2,
        PtxType.B32 or PtxType.U32 or PtxType.S32 or PtxType.F32 => 4,
        PtxType.B64 or PtxType.U64 or PtxType.S64 or PtxType.F64 => 8,
        _ => 0,
    };

    /// <summary>True for the signed integer types.</summary>
    public static bool IsSigned(this PtxType type) => type is PtxType.S8 or PtxType.S16 or PtxType.S32 or PtxType.S64;

    /// <summary>True for f32 and f64.</summary>
    public static bool IsFloat(this PtxType type) => type is PtxType.F32 or PtxType.F64;

    /// <summary>True for the bit-size, unsigned and signed integer types.</summary>
    public static bool IsInteger(this PtxType type) => type != PtxType.None && type != PtxType.Pred && !type.IsFloat();

    /// <summary>The PTX spelling without the dot.</summary>
    public static string Name(this PtxType type) => type.ToString().ToLowerInvariant();
}
