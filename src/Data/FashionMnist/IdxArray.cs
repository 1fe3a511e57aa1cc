namespace NativeDance.Data.FashionMnist;

/// <summary>An unsigned-byte array read from an IDX file: its dimensions (outermost first) and its elements in row-major order.</summary>
public sealed class IdxArray
{
    internal IdxArray(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The dimensions, outermost first (images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The elements, row-major; length is the product of the dimensions.</summary>
    public byte[] Data { get; }
}
