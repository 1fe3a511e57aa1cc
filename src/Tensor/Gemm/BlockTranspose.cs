using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// Transposes a rows x columns block of floats: destination[c * destinationStride + r] = source[r * sourceStride + c].
/// With AVX, 8 x 8 squares are transposed in registers (8 loads, 24 shuffles, 8 stores); the edges, and every
/// element without AVX, go one at a time.
/// </summary>
internal static unsafe class BlockTranspose
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* source, nint sourceStride, int rows, int columns, float* destination, nint destinationStride)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            for (; r + 8 <= rows; r += 8)
            {
                int c = 0;
                for (; c + 8 <= columns; c += 8)
                    Square(source + r * sourceStride + c, sourceStride, destination + c * destinationStride + r, destinationStride);
                Scalar(source + r * sourceStride + c, sourceStride, 8, columns - c, destination + c * destinationStride + r, destinationStride);
            }
        }
        Scalar(source + r * sourceStride, sourceStride, rows - r, columns, destination + r, destinationStride);
    }

    private static void Scalar(float* source, nint sourceStride, int rows, int columns, float* destination, nint destinationStride)
    {
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            destination[c * destinationStride + r] = source[r * sourceStride + c];
    }

    /// <summary>One 8 x 8 square: pairs of rows interleaved, then pairs of pairs, then the 128-bit halves swapped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Square(float* s, nint ss, float* d, nint ds)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss);
        Vector256<float> r3 = Avx.LoadVector256(s + 3 * ss), r4 = Avx.LoadVector256(s + 4 * ss), r5 = Avx.LoadVector256(s + 5 * ss);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * ss), r7 = Avx.LoadVector256(s + 7 * ss);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ds, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ds, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ds, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ds, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ds, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ds, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ds, Avx.Permute2x128(u3, u7, 0x31));
    }
}
