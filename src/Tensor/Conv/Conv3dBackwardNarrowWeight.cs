using System.Numerics;
using System.Runtime.CompilerServices;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Weight gradient of convs with very few input channels (a network's first layer: RGB in). As a GEMM it is
/// im2col^T x dY with m = taps * Cin (81) and n = Cout (16): the tile is half empty and every input is copied twice, so
/// it ran at about 10 GFLOP/s. Here each output pixel instead adds x[tap, ci] * dY[pixel, :] straight into the weight
/// gradient row of (tap, ci), vectorised over Cout, in the banded frame of <see cref="Conv3dWeightGradientBands"/>.
/// </summary>
internal static unsafe class Conv3dBackwardNarrowWeight
{
    /// <summary>At most this many input channels: beyond it the GEMM path's K per tap is long enough to win.</summary>
    private const int MaxInChannels = 4;

    public static bool Applies(in Conv3dGeometry g) => g.Groups == 1 && g.InChannels <= MaxInChannels;

    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        fixed (float* x = input, dy = gradOutput)
            Conv3dWeightGradientBands.Run(g, x, dy, gradWeight, new TapRow(g));
    }

    /// <summary>
    /// sum[0..cout) += sum over the listed output columns of x[column] * dy[column, 0..cout): the products for one
    /// (tap, channel) accumulate in registers across the whole output row, two columns at a time so two independent
    /// FMA chains hide the latency, and the gradient row is loaded and stored once per output row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateRow(float* sum, float* x, long xStride, float* dy, int columns, int cout)
    {
        int c = 0;
        for (; c <= cout - Vector<float>.Count; c += Vector<float>.Count)
        {
            var even = Vector.Load(sum + c);
            var odd = Vector<float>.Zero;
            int o = 0;
            for (; o + 1 < columns; o += 2)
            {
                even = Vector.FusedMultiplyAdd(new Vector<float>(x[o * xStride]), Vector.Load(dy + (long)o * cout + c), even);
                odd = Vector.FusedMultiplyAdd(new Vector<float>(x[(o + 1) * xStride]), Vector.Load(dy + (long)(o + 1) * cout + c), odd);
            }
            if (o < columns) even = Vector.FusedMultiplyAdd(new Vector<float>(x[o * xStride]), Vector.Load(dy + (long)o * cout + c), even);
            Vector.Store(even + odd, sum + c);
        }
        for (; c < cout; c++)
        {
            float total = sum[c];
            for (int o = 0; o < columns; o++) total = MathF.FusedMultiplyAdd(x[o * xStride], dy[(long)o * cout + c], total);
            sum[c] = total;
        }
    }

    private readonly struct TapRow(Conv3dGeometry g) : ITapRowKernel
    {
        public void Accumulate(float* tapSums, float* inputRow, float* gradOutputRow)
        {
            int cin = g.InChannels, cout = g.OutChannels;
            for (int kw = 0; kw < g.Kernel.W; kw++)
            {
                // Output columns whose tap kw lands inside the input: ow in [first, last], input column iw0 + ow * stride.
                int iw0 = kw * g.Dilation.W - g.Padding.W;
                int first = iw0 >= 0 ? 0 : (-iw0 + g.Stride.W - 1) / g.Stride.W;
                int last = Math.Min(g.Output.W - 1, (g.Input.W - 1 - iw0) / g.Stride.W);
                if (iw0 + (long)last * g.Stride.W >= g.Input.W || last < first) continue;
                float* target = tapSums + (long)kw * cin * cout;
                float* dy = gradOutputRow + (long)first * cout;
                float* x = inputRow + (long)(iw0 + first * g.Stride.W) * cin;
                for (int ci = 0; ci < cin; ci++)
                    AccumulateRow(target + (long)ci * cout, x + ci, (long)g.Stride.W * cin, dy, last - first + 1, cout);
            }
        }
    }
}
