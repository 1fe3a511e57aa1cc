using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Gemm;

/// <summary>The matrix-vector product against plain loops in double precision, on one and two threads, with guards.</summary>
[Collection(nameof(KernelSettings))]
public sealed unsafe class MatrixVectorTests
{
    [Theory]
    [InlineData(1, 1, false, 1)]
    [InlineData(63, 17, true, 2)]
    [InlineData(64, 16, false, 2)]
    [InlineData(65, 129, true, 2)]
    [InlineData(300, 1001, true, 1)]
    [InlineData(1000, 33, false, 2)]
    public void MultiplyMatchesReference(int rows, int columns, bool accumulate, int threads)
    {
        var a = OpsTestData.Normal(rows * columns, 1);
        var x = OpsTestData.Normal(columns, 2);
        var initial = OpsTestData.Normal(rows, 3);
        var y = new GuardedBuffer(rows);
        initial.CopyTo(y.Span);
        KernelSettings.Run(KernelSettings.Widths().First(), threads, () =>
        {
            fixed (float* pa = a, px = x, py = y.Span) MatrixVector.Multiply(rows, columns, pa, px, py, accumulate);
        });
        y.AssertGuardIntact($"{rows}x{columns}");
        var expected = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = accumulate ? initial[r] : 0;
            for (int c = 0; c < columns; c++) sum += (double)a[r * columns + c] * x[c];
            expected[r] = sum;
        }
        Numerics.AssertClose(y.Span, expected, 1e-11, $"{rows}x{columns} accumulate {accumulate}, {threads} threads");
    }
}
