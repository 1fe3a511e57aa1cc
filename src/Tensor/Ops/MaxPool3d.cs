using System.Numerics;
using System.Runtime.CompilerServices;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// 3D max pooling on channels-last activations (layouts in <see cref="Pool3dGeometry"/>), with PyTorch's semantics:
/// padding never wins (it counts as -inf), NaN propagates, and on ties the first maximum in (t, h, w) scan order is
/// the argmax. Channels-last makes every window tap a contiguous row of C values, so a window's running max and
/// argmax live in SIMD registers, one block of channels at a time.
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
    /// inputGrad = the output gradient routed to each window's argmax (overwritten, not accumulated). Indices that do
    /// not name a tap of their window (such as -1) contribute nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer length does not match the geometry; the message names it.</exception>
    public static void Backward(in Pool3dGeometry g, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argmax, Span<float> inputGrad)
    {
        g.RequireLengths(inputGrad.Length, nameof(inputGrad), outputGrad.Length, nameof(outputGrad));
        OpsArguments.Length(argmax.Length, g.OutputLength, nameof(argmax), $"pool {g} with output shape {g.OutputShape}");
        fixed (float* dy = outputGrad, dx = inputGrad)
        fixed (int* index = argmax)
        {
            if (g.Stride == g.Kernel && g.Padding == Dims3.Cube(0) && g.Dilation == Dims3.Cube(1))
            {
                var tiles = new BackwardTiledRows { G = g, OutputGrad = dy, Argmax = index, InputGrad = dx };
                ParallelFor.Run(g.Batch * g.Input.T * g.Input.H, ref tiles);
                return;
            }
            var body = new BackwardFrames { G = g, OutputGrad = dy, Argmax = index, InputGrad = dx };
            ParallelFor.Run(g.Batch * g.Input.T, ref body);
        }
    }

    /// <summary>One task per output row (n, ot, oh): all Wo windows of the row.</summary>
    private struct ForwardRows : IParallelBody
    {
        public Pool3dGeometry G;
        public float* Input, Output;
        public int* Argmax;

        public readonly void Invoke(int row)
        {
            int c = G.Channels, oh = row % G.Output.H, ot = row / G.Output.H % G.Output.T, n = row / G.Output.H / G.Output.T;
            float* clip = Input + n * G.Input.Volume * c;
            for (int ow = 0; ow < G.Output.W; ow++)
            {
                var window = new PoolWindow(G, ot, oh, ow);
                long o = ((long)row * G.Output.W + ow) * c;
                if (window.IsEmpty)
                {
                    new Span<float>(Output + o, c).Fill(float.NegativeInfinity);
                    if (Argmax != null) new Span<int>(Argmax + o, c).Fill(-1);
                }
                else
                {
                    MaxOfWindow(clip, c, window, Output + o, Argmax == null ? null : Argmax + o);
                }
            }
        }
    }

    /// <summary>
    /// Max and argmax of one window for all channels: four vectors of channels per pass, then single vectors whose
    /// last one overlaps the one before instead of needing a scalar tail (a max computed twice is the same max);
    /// rows narrower than a vector go one channel at a time.
    /// </summary>
    private static void MaxOfWindow(float* clip, int channels, in PoolWindow window, float* max, int* argmax)
    {
        int width = Vector<float>.Count, first = window.FirstSpatial, c = 0;
        if (channels < width)
        {
            for (; c < channels; c++)
            {
                var one = new ScalarMax(clip + c, channels, first);
                window.Visit(ref one);
                max[c] = one.Best;
                if (argmax != null) argmax[c] = one.At;
            }
            return;
        }
        for (; c <= channels - 4 * width; c += 4 * width)
        {
            var four = new FourTapVisitors<VectorMax>(new(clip + c, channels, first), new(clip + c + width, channels, first),
                new(clip + c + 2 * width, channels, first), new(clip + c + 3 * width, channels, first));
            window.Visit(ref four);
            four.A.Store(max, argmax, c);
            four.B.Store(max, argmax, c + width);
            four.C.Store(max, argmax, c + 2 * width);
            four.D.Store(max, argmax, c + 3 * width);
        }
        for (; c < channels; c += width)
        {
            int block = Math.Min(c, channels - width);
            var one = new VectorMax(clip + block, channels, first);
            window.Visit(ref one);
            one.Store(max, argmax, block);
        }
    }

    /// <summary>
    /// Running max of one block of channels, seeded with the window's first tap. A tap wins where it is greater or NaN,
    /// as PyTorch's <c>val &gt; max || isnan(val)</c>, so the first of equal maxima keeps the index.
    /// </summary>
    private struct VectorMax : ITapVisitor
    {
        private readonly float* _clip;
        private readonly int _channels;
        public Vector<float> Best;
        public Vector<int> At;

        public VectorMax(float* clip, int channels, int first)
        {
            _clip = clip;
            _channels = channels;
            Best = Vector.Load(clip + (long)first * channels);
            At = new Vector<int>(first);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tap(int spatial)
        {
            var value = Vector.Load(_clip + (long)spatial * _channels);
            var take = Vector.GreaterThan(value, Best) | ~Vector.Equals(value, value);
            Best = Vector.ConditionalSelect(take, value, Best);
            At = Vector.ConditionalSelect(take, new Vector<int>(spatial), At);
        }

        public readonly void Store(float* max, int* argmax, int channel)
        {
            Best.Store(max + channel);
            if (argmax != null) At.Store(argmax + channel);
        }
    }

    /// <summary>The one-channel form of <see cref="VectorMax"/>, for rows narrower than a vector.</summary>
    private struct ScalarMax : ITapVisitor
    {
        private readonly float* _clip;
        private readonly int _channels;
        public float Best;
        public int At;

        public ScalarMax(float* clip, int channels, int first)
        {
            _clip = clip;
            _channels = channels;
            Best = clip[(long)first * channels];
            At = first;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tap(int spatial)
        {
            float value = _clip[(long)spatial * _channels];
            if (value > Best || float.IsNaN(value))
            {
                Best = value;
                At = spatial;
            }
        }
    }

    /// <summary>
    /// One task per input frame (n, it): it clears the frame's gradient and visits, for every window that reaches the
    /// frame, the window's taps in it; each task writes only its own frame, so no atomics are needed.
    /// </summary>
    private struct BackwardFrames : IParallelBody
    {
        public Pool3dGeometry G;
        public float* OutputGrad, InputGrad;
        public int* Argmax;

        public readonly void Invoke(int frame)
        {
            int c = G.Channels, it = frame % G.Input.T, n = frame / G.Input.T, area = G.Input.H * G.Input.W;
            float* clipGrad = InputGrad + n * G.Input.Volume * c;
            new Span<float>(clipGrad + (long)it * area * c, area * c).Clear();
            for (int kt = 0; kt < G.Kernel.T; kt++)
            {
                int ot = G.OutputFrameOfTap(it, kt);
                if (ot < 0) continue;
                for (int oh = 0; oh < G.Output.H; oh++)
                for (int ow = 0; ow < G.Output.W; ow++)
                {
                    long o = ((((long)n * G.Output.T + ot) * G.Output.H + oh) * G.Output.W + ow) * c;
                    var route = new RouteToArgmax(clipGrad, OutputGrad + o, Argmax + o, c);
                    new PoolWindow(G, ot, oh, ow).AtFrameTap(kt).Visit(ref route);
                }
            }
        }
    }

    /// <summary>
    /// Windows that tile the input (stride = kernel, no padding or dilation) never overlap, so each input element has
    /// at most one window: its gradient is that window's output gradient where the argmax names it, else 0, written
    /// once with no clearing pass and no read-modify-write. One task per input row (n, it, ih); elements past the
    /// last whole window get 0.
    /// </summary>
    private struct BackwardTiledRows : IParallelBody
    {
        public Pool3dGeometry G;
        public float* OutputGrad, InputGrad;
        public int* Argmax;

        public readonly void Invoke(int row)
        {
            int c = G.Channels, ih = row % G.Input.H, it = row / G.Input.H % G.Input.T, n = row / G.Input.H / G.Input.T;
            int ot = it / G.Kernel.T, oh = ih / G.Kernel.H;
            float* dx = InputGrad + (long)row * G.Input.W * c;
            int covered = ot < G.Output.T && oh < G.Output.H ? G.Output.W * G.Kernel.W : 0;
            long outputRow = (((long)n * G.Output.T + ot) * G.Output.H + oh) * G.Output.W * c;
            int spatial = (it * G.Input.H + ih) * G.Input.W;
            for (int iw = 0; iw < covered; iw++, spatial++)
            {
                long o = outputRow + (long)(iw / G.Kernel.W) * c;
                float* target = dx + (long)iw * c, dy = OutputGrad + o;
                int* index = Argmax + o;
                var here = new Vector<int>(spatial);
                int ch = 0;
                for (; ch <= c - Vector<float>.Count; ch += Vector<float>.Count)
                    Vector.ConditionalSelect(Vector.Equals(Vector.Load(index + ch), here), Vector.Load(dy + ch), Vector<float>.Zero).Store(target + ch);
                for (; ch < c; ch++) target[ch] = index[ch] == spatial ? dy[ch] : 0f;
            }
            new Span<float>(dx + (long)covered * c, (G.Input.W - covered) * c).Clear();
        }
    }

    /// <summary>Adds a window's output gradient to the tap's input gradient in the channels whose argmax is that tap.</summary>
    private readonly struct RouteToArgmax(float* clipGrad, float* outputGrad, int* argmax, int channels) : ITapVisitor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tap(int spatial)
        {
            float* dx = clipGrad + (long)spatial * channels;
            var here = new Vector<int>(spatial);
            int c = 0;
            for (; c <= channels - Vector<float>.Count; c += Vector<float>.Count)
            {
                var routed = Vector.ConditionalSelect(Vector.Equals(Vector.Load(argmax + c), here), Vector.Load(outputGrad + c), Vector<float>.Zero);
                (Vector.Load(dx + c) + routed).Store(dx + c);
            }
            for (; c < channels; c++)
                if (argmax[c] == spatial) dx[c] += outputGrad[c];
        }
    }
}
