namespace NativeDance.Tensors.Gemm;

/// <summary>
/// Floats between the A rows of a <see cref="TallKernel{TStride}"/> tile, as a type: the JIT then folds row r's
/// offset into each multiply-add's address, which a stride known only at run time would keep in 28 registers.
/// </summary>
internal interface ITallRowStride
{
    static abstract int Value { get; }
}

/// <summary>A rows of a plain GEMM, packed by <see cref="MatrixOperands"/>.</summary>
internal readonly struct PackedRowStride : ITallRowStride
{
    public static int Value => MatrixOperands.ScratchStride;
}

/// <summary>Channels-last input pixels of 64 channels (or 32 read at stride 2): the rows of a conv tile.</summary>
internal readonly struct PixelStride64 : ITallRowStride
{
    public static int Value => 64;
}

/// <summary>Channels-last input pixels of 128 channels (or 64 at stride 2).</summary>
internal readonly struct PixelStride128 : ITallRowStride
{
    public static int Value => 128;
}

/// <summary>Channels-last input pixels of 256 channels (or 128 at stride 2).</summary>
internal readonly struct PixelStride256 : ITallRowStride
{
    public static int Value => 256;
}

/// <summary>Channels-last input pixels of 512 channels (or 256 at stride 2).</summary>
internal readonly struct PixelStride512 : ITallRowStride
{
    public static int Value => 512;
}
