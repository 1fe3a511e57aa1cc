using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Gemm;

/// <summary>The blocked transpose against element-by-element indexing, on sizes around its 8 x 8 squares and with padded strides.</summary>
public class BlockTransposeTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(8, 8)]
    [InlineData(7, 9)]
    [InlineData(16, 24)]
    [InlineData(17, 31)]
    [InlineData(33, 8)]
    [InlineData(5, 40)]
    public unsafe void MatchesIndexedTranspose(int rows, int columns)
    {
        var random = new Random(rows * 100 + columns);
        int sourceStride = columns + 3, destinationStride = rows + 5;
        var source = new float[rows * sourceStride];
        for (int i = 0; i < source.Length; i++) source[i] = random.NextSingle();
        var destination = new GuardedBuffer((columns - 1) * destinationStride + rows);
        fixed (float* s = source, d = destination.Span)
            BlockTranspose.Run(s, sourceStride, rows, columns, d, destinationStride);
        destination.AssertGuardIntact($"{rows} x {columns}");
        var span = destination.Span;
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            Assert.Equal(source[r * sourceStride + c], span[c * destinationStride + r]);
        // The padding between destination rows is left untouched (still NaN).
        for (int c = 0; c + 1 < columns; c++)
            Assert.True(float.IsNaN(span[c * destinationStride + rows]), $"padding after row {c} was written");
    }
}
