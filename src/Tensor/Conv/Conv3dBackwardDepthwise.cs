using System.Numerics;
using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// Direct gradients of a depthwise conv (one input and one output channel per group, C = Cin = Cout = groups).
/// Lowered to GEMMs it would be C products with an inner dimension of 1, so instead every tap is a multiply-add of
/// whole channel vectors: channels-last rows keep all C channels of a pixel contiguous, and the weight
/// [kT, kH, kW, 1, C] holds each tap's C values contiguously as well.
/// </summary>
internal static unsafe class Conv3dBackwardDepthwise
{
    public static bool Applies(in Conv3dGeometry g) =>
        g.Groups > 1 && g.InChannelsPerGroup == 1 && g.OutChannelsPerGroup == 1;

    /// <summary>One item per input row (n, it, ih): each owns its row of gradInput, so threads never share an element.</summary>
    public static void Input(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        fixed (float* dy = gradOutput, w = weight, dx = gradInput)
        {
            var body = new InputRows(g, dy, w, dx);
            ParallelFor.Run(g.Batch * g.Input.T * g.Input.H, ref body);
        }
    }

    /// <summary>Per (kt, kh) tap row, every output pixel adds x * dy over whole channel vectors (see <see cref="Conv3dWeightGradientBands"/>).</summary>
    public static void Weight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight)
    {
        fixed (float* x = input, dy = gradOutput)
            Conv3dWeightGradientBands.Run(g, x, dy, gradWeight, new WeightTapRow(g));
    }

    /// <summary>The output index o whose tap k reads input index i (o * stride - padding + k * dilation = i), if any.</summary>
    private static bool OutputOf(int i, int k, int stride, int padding, int dilation, int outputs, out int o)
    {
        int offset = i + padding - k * dilation;
        o = offset / stride;
        return offset >= 0 && offset % stride == 0 && o < outputs;
    }

    /// <summary>
    /// sum[i] += a[i] * b[i] for one pixel's channels. Inlined rather than a TensorPrimitives call: the spans are a few
    /// vectors long and there is one per (pixel, tap), so a call's fixed cost would be most of the work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAddInto(float* sum, float* a, float* b, int length)
    {
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.Store(Vector.FusedMultiplyAdd(Vector.Load(a + i), Vector.Load(b + i), Vector.Load(sum + i)), sum + i);
        for (; i < length; i++) sum[i] = MathF.FusedMultiplyAdd(a[i], b[i], sum[i]);
    }

    private readonly struct InputRows(Conv3dGeometry g, float* gradOutput, float* weight, float* gradInput) : IParallelBody
    {
        public void Invoke(int row)
        {
            int c = g.InChannels, ih = row % g.Input.H, it = row / g.Input.H % g.Input.T, n = row / g.Input.H / g.Input.T;
            float* target = gradInput + (long)row * g.Input.W * c;
            new Span<float>(target, g.Input.W * c).Clear();
            for (int kt = 0; kt < g.Kernel.T; kt++)
            {
                if (!OutputOf(it, kt, g.Stride.T, g.Padding.T, g.Dilation.T, g.Output.T, out int ot)) continue;
                for (int kh = 0; kh < g.Kernel.H; kh++)
                {
                    if (!OutputOf(ih, kh, g.Stride.H, g.Padding.H, g.Dilation.H, g.Output.H, out int oh)) continue;
                    float* source = gradOutput + ((long)(n * g.Output.T + ot) * g.Output.H + oh) * g.Output.W * c;
                    float* taps = weight + (long)(kt * g.Kernel.H + kh) * g.Kernel.W * c;
                    for (int kw = 0; kw < g.Kernel.W; kw++)
                    for (int ow = 0; ow < g.Output.W; ow++)
                    {
                        int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                        if ((uint)iw >= (uint)g.Input.W) continue;
                        MultiplyAddInto(target + (long)iw * c, source + (long)ow * c, taps + kw * c, c);
                    }
                }
            }
        }
    }

    private readonly struct WeightTapRow(Conv3dGeometry g) : ITapRowKernel
    {
        public void Accumulate(float* tapSums, float* inputRow, float* gradOutputRow)
        {
            int c = g.InChannels;
            for (int kw = 0; kw < g.Kernel.W; kw++)
            for (int ow = 0; ow < g.Output.W; ow++)
            {
                int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                if ((uint)iw >= (uint)g.Input.W) continue;
                MultiplyAddInto(tapSums + kw * c, inputRow + (long)iw * c, gradOutputRow + (long)ow * c, c);
            }
        }
    }
}
