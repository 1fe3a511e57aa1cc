using System.Numerics.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// 3D average pooling on channels-last activations (layouts in <see cref="Pool3dGeometry"/>), with PyTorch's
/// semantics: by default the divisor is the whole kernel volume, padding included (<c>count_include_pad=True</c>);
/// with <c>countIncludePad: false</c> it is the number of taps inside the input. Dilation is not supported, as in
/// PyTorch's AvgPool3d. Window sums of at most a few dozen taps are accumulated in float: their rounding error
/// stays within a few ulp, far below what a double accumulator would be worth in bandwidth.
/// </summary>
/// <example><code>AvgPool3d.Forward(g, x, y);
/// AvgPool3d.Backward(g, dy, dx);</code></example>
public static unsafe class AvgPool3d
{
    /// <summary>output = mean over each window.</summary>
    /// <exception cref="ArgumentException">A buffer length does not match the geometry, or the geometry has a dilation.</exception>
    public static void Forward(in Pool3dGeometry g, ReadOnlySpan<float> input, Span<float> output, bool countIncludePad = true)
    {
        RequireNoDilation(g);
        g.RequireLengths(input.Length, nameof(input), output.Length, nameof(output));
        fixed (float* x = input, y = output)
        {
            var body = new ForwardRows { G = g, Input = x, Output = y, CountIncludePad = countIncludePad };
            ParallelFor.Run(g.Batch * g.Output.T * g.Output.H, ref body);
        }
    }

    /// <summary>inputGrad = each output gradient spread evenly over its window's taps (overwritten, not accumulated).</summary>
    /// <exception cref="ArgumentException">A buffer length does not match the geometry, or the geometry has a dilation.</exception>
    public static void Backward(in Pool3dGeometry g, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, bool countIncludePad = true)
    {
        RequireNoDilation(g);
        g.RequireLengths(inputGrad.Length, nameof(inputGrad), outputGrad.Length, nameof(outputGrad));
        fixed (float* dy = outputGrad, dx = inputGrad)
        {
            var body = new BackwardFrames { G = g, OutputGrad = dy, InputGrad = dx, CountIncludePad = countIncludePad };
            ParallelFor.Run(g.Batch * g.Input.T, ref body);
        }
    }

    private static void RequireNoDilation(in Pool3dGeometry g)
    {
        if (g.Dilation != Dims3.Cube(1))
            throw new ArgumentException($"Average pooling has no dilation; got {g.Dilation}.", nameof(g));
    }

    /// <summary>Number of taps of a window starting at <paramref name="start"/> that fall inside [0, size).</summary>
    private static int Inside(int start, int kernel, int size) => Math.Min(start + kernel, size) - Math.Max(start, 0);

    private static float Reciprocal(in Pool3dGeometry g, bool countIncludePad, int t0, int h0, int w0) =>
        1f / (countIncludePad
            ? (int)g.Kernel.Volume
            : Inside(t0, g.Kernel.T, g.Input.T) * Inside(h0, g.Kernel.H, g.Input.H) * Inside(w0, g.Kernel.W, g.Input.W));

    /// <summary>One task per output row (n, ot, oh): each window sums its in-bounds taps, then scales.</summary>
    private struct ForwardRows : IParallelBody
    {
        public Pool3dGeometry G;
        public float* Input, Output;
        public bool CountIncludePad;

        public readonly void Invoke(int row)
        {
            int c = G.Channels, oh = row % G.Output.H, ot = row / G.Output.H % G.Output.T, n = row / G.Output.H / G.Output.T;
            var inp = G.Input;
            float* clip = Input + (long)n * inp.T * inp.H * inp.W * c;
            int t0 = ot * G.Stride.T - G.Padding.T, h0 = oh * G.Stride.H - G.Padding.H;
            for (int ow = 0; ow < G.Output.W; ow++)
            {
                int w0 = ow * G.Stride.W - G.Padding.W;
                var sum = new Span<float>(Output + ((long)row * G.Output.W + ow) * c, c);
                sum.Clear();
                for (int it = Math.Max(t0, 0); it < Math.Min(t0 + G.Kernel.T, inp.T); it++)
                for (int ih = Math.Max(h0, 0); ih < Math.Min(h0 + G.Kernel.H, inp.H); ih++)
                {
                    float* line = clip + ((long)it * inp.H + ih) * inp.W * c;
                    for (int iw = Math.Max(w0, 0); iw < Math.Min(w0 + G.Kernel.W, inp.W); iw++)
                        TensorPrimitives.Add(sum, new ReadOnlySpan<float>(line + (long)iw * c, c), sum);
                }
                TensorPrimitives.Multiply(sum, Reciprocal(G, CountIncludePad, t0, h0, w0), sum);
            }
        }
    }

    /// <summary>
    /// One task per input frame (n, it): it clears the frame's gradient and adds the scaled gradient of every output
    /// window that reaches it, so no two tasks write the same element.
    /// </summary>
    private struct BackwardFrames : IParallelBody
    {
        public Pool3dGeometry G;
        public float* OutputGrad, InputGrad;
        public bool CountIncludePad;

        public readonly void Invoke(int frame)
        {
            int c = G.Channels, it = frame % G.Input.T, n = frame / G.Input.T;
            var inp = G.Input;
            float* dx = InputGrad + (long)frame * inp.H * inp.W * c;
            new Span<float>(dx, inp.H * inp.W * c).Clear();
            for (int kt = 0; kt < G.Kernel.T; kt++)
            {
                int ot = G.OutputFrameOfTap(it, kt);
                if (ot < 0) continue;
                int t0 = ot * G.Stride.T - G.Padding.T;
                for (int oh = 0; oh < G.Output.H; oh++)
                for (int ow = 0; ow < G.Output.W; ow++)
                {
                    int h0 = oh * G.Stride.H - G.Padding.H, w0 = ow * G.Stride.W - G.Padding.W;
                    var dy = new ReadOnlySpan<float>(OutputGrad + ((((long)n * G.Output.T + ot) * G.Output.H + oh) * G.Output.W + ow) * c, c);
                    float scale = Reciprocal(G, CountIncludePad, t0, h0, w0);
                    for (int ih = Math.Max(h0, 0); ih < Math.Min(h0 + G.Kernel.H, inp.H); ih++)
                    for (int iw = Math.Max(w0, 0); iw < Math.Min(w0 + G.Kernel.W, inp.W); iw++)
                    {
                        var target = new Span<float>(dx + ((long)ih * inp.W + iw) * c, c);
                        TensorPrimitives.MultiplyAdd(dy, scale, target, target);
                    }
                }
            }
        }
    }
}
