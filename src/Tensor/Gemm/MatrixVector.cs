using System.Numerics.Tensors;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// y = A x (+ y) for a row-major A [rows, columns]: one dot product per row, rows split over the threads. With a
/// single input vector a GEMM gains nothing from packing A, which would read and write the whole matrix once more
/// before using it; this reads A exactly once, the least a memory-bound product can do (C3D's fc6 is 8192 x 4096).
/// </summary>
internal static unsafe class MatrixVector
{
    // Rows per parallel iteration: enough (64 x 4096 floats = 1 MiB for fc6) to amortise claiming an iteration.
    private const int RowsPerBlock = 64;

    /// <summary>y[r] = dot(A[r, :], x), plus y[r]'s previous value when <paramref name="accumulate"/>.</summary>
    public static void Multiply(int rows, int columns, float* a, float* x, float* y, bool accumulate)
    {
        var body = new Rows { A = a, X = x, Y = y, RowCount = rows, Columns = columns, Accumulate = accumulate };
        ParallelFor.Run((rows + RowsPerBlock - 1) / RowsPerBlock, ref body);
    }

    private struct Rows : IParallelBody
    {
        public float* A, X, Y;
        public int RowCount, Columns;
        public bool Accumulate;

        public readonly void Invoke(int index)
        {
            int end = Math.Min(RowCount, (index + 1) * RowsPerBlock);
            var x = new ReadOnlySpan<float>(X, Columns);
            for (int r = index * RowsPerBlock; r < end; r++)
            {
                float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(A + (long)r * Columns, Columns), x);
                Y[r] = Accumulate ? Y[r] + dot : dot;
            }
        }
    }
}
