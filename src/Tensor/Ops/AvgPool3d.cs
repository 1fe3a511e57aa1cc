using System.Numerics;
using System.Runtime.CompilerServices;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// 3D average pooling on channels-last activations (layouts in <see cref="Pool3dGeometry"/>), with PyTorch's
/// semantics: by default the divisor is the whole kernel volume, padding included (<c>count_include_pad=True</c>);
/// with <c>countIncludePad: false</c> it is the number of taps inside the input. Dilation is not supported, as in
/// PyTorch's AvgPool3d. A window's sum lives in SIMD registers, one block of channels at a time; sums of at most a
/// few dozen taps are accumulated in float, whose rounding error stays within a few ulp.
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

    /// <summary>1 / divisor: the kernel volume, or (without padding) the window's in-bounds taps.</summary>
    private static float Reciprocal(in Pool3dGeometry g, in PoolWindow window, bool countIncludePad) =>
        1f / (countIncludePad ? (int)g.Kernel.Volume : window.Count);

    /// <summary>One task per output row (n, ot, oh): all Wo windows of the row.</summary>
    private struct ForwardRows : IParallelBody
    {
        public Pool3dGeometry G;
        public float* Input, Output;
        public bool CountIncludePad;

        public readonly void Invoke(int row)
        {
            int c = G.Channels, oh = row % G.Output.H, ot = row / G.Output.H % G.Output.T, n = row / G.Output.H / G.Output.T;
            float* clip = Input + n * G.Input.Volume * c;
            for (int ow = 0; ow < G.Output.W; ow++)
            {
                var window = new PoolWindow(G, ot, oh, ow);
                float scale = Reciprocal(G, window, CountIncludePad);
                MeanOfWindow(clip, c, window, scale, Output + ((long)row * G.Output.W + ow) * c);
            }
        }
    }

    /// <summary>
    /// scale * sum of one window for all channels: four vectors of channels per pass, then single vectors whose last
    /// one overlaps the one before instead of needing a scalar tail; rows narrower than a vector go one channel at a time.
    /// </summary>
    private static void MeanOfWindow(float* clip, int channels, in PoolWindow window, float scale, float* mean)
    {
        int width = Vector<float>.Count, c = 0;
        if (channels < width)
        {
            for (; c < channels; c++)
            {
                var one = new ScalarSum(clip + c, channels);
                window.Visit(ref one);
                mean[c] = one.Total * scale;
            }
            return;
        }
        for (; c <= channels - 4 * width; c += 4 * width)
        {
            var four = new FourTapVisitors<VectorSum>(new(clip + c, channels), new(clip + c + width, channels),
                new(clip + c + 2 * width, channels), new(clip + c + 3 * width, channels));
            window.Visit(ref four);
            (four.A.Total * scale).Store(mean + c);
            (four.B.Total * scale).Store(mean + c + width);
            (four.C.Total * scale).Store(mean + c + 2 * width);
            (four.D.Total * scale).Store(mean + c + 3 * width);
        }
        for (; c < channels; c += width)
        {
            int block = Math.Min(c, channels - width);
            var one = new VectorSum(clip + block, channels);
            window.Visit(ref one);
            (one.Total * scale).Store(mean + block);
        }
    }

    private struct VectorSum(float* clip, int channels) : ITapVisitor
    {
        public Vector<float> Total;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tap(int spatial) => Total += Vector.Load(clip + (long)spatial * channels);
    }

    private struct ScalarSum(float* clip, int channels) : ITapVisitor
    {
        public float Total;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tap(int spatial) => Total += clip[(long)spatial * channels];
    }

    /// <summary>
    /// One task per input frame (n, it): it clears the frame's gradient and visits, for every window that reaches the
    /// frame, the window's taps in it; each task writes only its own frame, so no atomics are needed.
    /// </summary>
    private struct BackwardFrames : IParallelBody
    {
        public Pool3dGeometry G;
        public float* OutputGrad, InputGrad;
        public bool CountIncludePad;

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
                    var window = new PoolWindow(G, ot, oh, ow);
                    long o = ((((long)n * G.Output.T + ot) * G.Output.H + oh) * G.Output.W + ow) * c;
                    var spread = new Spread(clipGrad, OutputGrad + o, Reciprocal(G, window, CountIncludePad), c);
                    window.AtFrameTap(kt).Visit(ref spread);
                }
            }
        }
    }

    /// <summary>Adds a window's output gradient, times 1 / divisor, to one tap's input gradient.</summary>
    private readonly struct Spread(float* clipGrad, float* outputGrad, float scale, int channels) : ITapVisitor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Tap(int spatial)
        {
            float* dx = clipGrad + (long)spatial * channels;
            int c = 0;
            for (; c <= channels - Vector<float>.Count; c += Vector<float>.Count)
                (Vector.Load(dx + c) + Vector.Load(outputGrad + c) * scale).Store(dx + c);
            for (; c < channels; c++) dx[c] += outputGrad[c] * scale;
        }
    }
}
