namespace NativeDance.Tensors.Serialization;

/// <summary>Element types a safetensors file may hold, with the names the format uses.</summary>
public enum SafeTensorDType
{
    /// <summary>32-bit IEEE float, "F32": what the engine computes in.</summary>
    F32,
    /// <summary>64-bit IEEE float, "F64".</summary>
    F64,
    /// <summary>16-bit IEEE float, "F16".</summary>
    F16,
    /// <summary>bfloat16, "BF16".</summary>
    BF16,
    /// <summary>64-bit signed integer, "I64" (e.g. BatchNorm's num_batches_tracked).</summary>
    I64,
    /// <summary>32-bit signed integer, "I32".</summary>
    I32,
}

/// <summary>Names and sizes of <see cref="SafeTensorDType"/> values.</summary>
public static class SafeTensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this SafeTensorDType type) => type switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        _ => 2,
    };

    /// <summary>Parses the format's dtype string; false for types the engine cannot read.</summary>
    public static bool TryParse(string text, out SafeTensorDType type) => Enum.TryParse(text, ignoreCase: false, out type) && Enum.IsDefined(type);
}
