using System.Numerics;
using System.Numerics.Tensors;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// 3D max pooling on channels-last activations (layouts in <see cref="Pool3dGeometry"/>), with PyTorch's semantics:
/// padding never wins (it counts as -inf), NaN propagates, and on ties the first maximum in (t, h, w) scan order is
/// the argmax. Channels-last makes every window tap a contiguous row of C values, so the max runs SIMD over channels.
/// </summary>
/// <example><code>MaxPool3d.Forward(g, x, y, argmax);
/// MaxPool3d.Backward(g, dy, argmax, dx);</code></example>
public static unsafe class MaxPool3d
{
    /// <summary>
    /// output = max over each window. When <paramref name="argmax"/> is not empty it receives, per output element, the
    /// flat index (t * H + h) * W + w of the winning input element within its clip (PyTorch's indices), or -1 for a
    /// window that lies wholly in the padding (possible only with dilation; its output is -inf).
    /// </summary>
    /// <exception cref="ArgumentException">A buffer length does not match the geometry; the message names it.</exception>
    public static void Forward(in Pool3dGeometry g, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax = default)
    {
        g.RequireLengths(input.Length, nameof(input), output.Length, nameof(output));
        if (!argmax.IsEmpty)
            OpsArguments.Length(argmax.Length, g.OutputLength, nameof(argmax), $"pool {g} with output shape {g.OutputShape}");
        fixed (float* x = input, y = output)
        fixed (int* index = argmax)
        {
            var body = new ForwardRows { G = g, Input = x, Output = y, Argmax = index };
            ParallelFor.Run(g.Batch * g.Output.T * g.Output.H, ref body);
        }
    }

    /// <summary>
    /// inputGrad = the output gradient scattered to each window's argmax (overwritten, not accumulated). Indices that
    /// do not name an element of their clip (such as -1) contribute nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer length does not match the geometry; the message names it.</exception>
    public static void Backward(in Pool3dGeometry g, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argmax, Span<float> inputGrad)
    {
        g.RequireLengths(inputGrad.Length, nameof(inputGrad), outputGrad.Length, nameof(outputGrad));
        OpsArguments.Length(argmax.Length, g.OutputLength, nameof(argmax), $"pool {g} with output shape {g.OutputShape}");
        fixed (float* dy = outputGrad, dx = inputGrad)
        fixed (int* index = argmax)
        {
            var body = new BackwardFrames { G = g, OutputGrad = dy, Argmax = index, InputGrad = dx };
            ParallelFor.Run(g.Batch * g.Input.T, ref body);
        }
    }

    /// <summary>One task per output row (n, ot, oh): all Wo windows of the row, each a running max over its taps.</summary>
    private struct ForwardRows : IParallelBody
    {
        public Pool3dGeometry G;
        public float* Input, Output;
        public int* Argmax;

        public readonly void Invoke(int row)
        {
            int c = G.Channels, oh = row % G.Output.H, ot = row / G.Output.H % G.Output.T, n = row / G.Output.H / G.Output.T;
            var inp = G.Input;
            float* clip = Input + (long)n * inp.T * inp.H * inp.W * c;
            for (int ow = 0; ow < G.Output.W; ow++)
            {
                long o = ((long)row * G.Output.W + ow) * c;
                var max = new Span<float>(Output + o, c);
                int* index = Argmax == null ? null : Argmax + o;
                bool any = false;
                for (int kt = 0; kt < G.Kernel.T; kt++)
                {
                    int it = ot * G.Stride.T - G.Padding.T + kt * G.Dilation.T;
                    if ((uint)it >= (uint)inp.T) continue;
                    for (int kh = 0; kh < G.Kernel.H; kh++)
                    {
                        int ih = oh * G.Stride.H - G.Padding.H + kh * G.Dilation.H;
                        if ((uint)ih >= (uint)inp.H) continue;
                        for (int kw = 0; kw < G.Kernel.W; kw++)
                        {
                            int iw = ow * G.Stride.W - G.Padding.W + kw * G.Dilation.W;
                            if ((uint)iw >= (uint)inp.W) continue;
                            int spatial = (it * inp.H + ih) * inp.W + iw;
                            var tap = new ReadOnlySpan<float>(clip + (long)spatial * c, c);
                            if (!any)
                            {
                                tap.CopyTo(max);
                                if (index != null) new Span<int>(index, c).Fill(spatial);
                                any = true;
                            }
                            else if (index != null) MaxWithIndex(max, index, tap, spatial);
                            else TensorPrimitives.Max(max, tap, max);
                        }
                    }
                }
                if (!any)
                {
                    max.Fill(float.NegativeInfinity);
                    if (index != null) new Span<int>(index, c).Fill(-1);
                }
            }
        }
    }

    /// <summary>Takes a tap where it is greater than the running max or NaN, as PyTorch's <c>val &gt; max || isnan(val)</c>.</summary>
    private static void MaxWithIndex(Span<float> max, int* index, ReadOnlySpan<float> tap, int spatial)
    {
        int c = 0;
        fixed (float* m = max, v = tap)
        {
            var at = new Vector<int>(spatial);
            for (; c <= max.Length - Vector<float>.Count; c += Vector<float>.Count)
            {
                var value = Vector.Load(v + c);
                var best = Vector.Load(m + c);
                var take = Vector.GreaterThan(value, best) | ~Vector.Equals(value, value);
                Vector.ConditionalSelect(take, value, best).Store(m + c);
                Vector.ConditionalSelect(take, at, Vector.Load(index + c)).Store(index + c);
            }
        }
        for (; c < max.Length; c++)
        {
            if (tap[c] > max[c] || float.IsNaN(tap[c]))
            {
                max[c] = tap[c];
                index[c] = spatial;
            }
        }
    }

    /// <summary>
    /// One task per input frame (n, it): it clears the frame's gradient and gathers from every output frame whose
    /// windows reach it, so no two tasks write the same element and no atomics are needed.
    /// </summary>
    private struct BackwardFrames : IParallelBody
    {
        public Pool3dGeometry G;
        public float* OutputGrad, InputGrad;
        public int* Argmax;

        public readonly void Invoke(int frame)
        {
            int c = G.Channels, it = frame % G.Input.T, n = frame / G.Input.T;
            int area = G.Input.H * G.Input.W, first = it * area;
            float* dx = InputGrad + (long)frame * area * c;
            new Span<float>(dx, area * c).Clear();
            int outputFrame = G.Output.H * G.Output.W;
            for (int kt = 0; kt < G.Kernel.T; kt++)
            {
                int ot = G.OutputFrameOfTap(it, kt);
                if (ot < 0) continue;
                long o = ((long)n * G.Output.T + ot) * outputFrame * c;
                float* dy = OutputGrad + o;
                int* index = Argmax + o;
                for (int p = 0; p < outputFrame; p++, dy += c, index += c)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        int inFrame = index[ch] - first;
                        if ((uint)inFrame < (uint)area) dx[(long)inFrame * c + ch] += dy[ch];
                    }
                }
            }
        }
    }
}
