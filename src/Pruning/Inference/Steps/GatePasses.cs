using System.Numerics;
using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// The two passes over a gate's input X [T, pixels, C] (one clip) that DANCE's masks need, vectorised over channels.
/// Statistics: per frame and channel the sum of X, read through a pending ReLU (written back only when another consumer
/// reads X: masking in place zeroes every non-positive value the conv reads anyway). Masking:
/// over the kept frames, every element of a dropped channel or below the feature threshold (or not positive) becomes
/// zero, and the survivors are counted, plain and weighted by the (tap, output) pairs of their pixel.
/// </summary>
internal static unsafe class GatePasses
{
    /// <summary>Below this many elements a pass runs on the calling thread: waking the workers would cost more than it saves.</summary>
    private const int ParallelElements = 1 << 15;

    public static void Run<TBody>(int count, int elements, ref TBody body) where TBody : unmanaged, IParallelBody
    {
        if (elements >= ParallelElements && ParallelFor.Threads > 1)
        {
            ParallelFor.Run(count, ref body);
            return;
        }
        for (int i = 0; i < count; i++) body.Invoke(i);
    }

    /// <summary>
    /// One task per frame t: Sums[t, c] = sum over pixels of X[t, p, c], after ReLU when <see cref="Rectify"/>, which
    /// <see cref="WriteBack"/> also stores into X.
    /// </summary>
    public struct Statistics : IParallelBody
    {
        public float* Input, Sums;
        public int Pixels, Channels;
        public bool Rectify, WriteBack;

        public readonly void Invoke(int t)
        {
            int channels = Channels, width = Vector<float>.Count, vectorEnd = channels - channels % width;
            float* x = Input + (long)t * Pixels * channels;
            float* sums = Sums + (long)t * channels;
            new Span<float>(sums, channels).Clear();
            for (int p = 0; p < Pixels; p++, x += channels)
            {
                int c = 0;
                for (; c < vectorEnd; c += width)
                {
                    var v = Unsafe.ReadUnaligned<Vector<float>>(x + c);
                    if (Rectify) v = Vector.Max(v, Vector<float>.Zero);
                    if (WriteBack) Unsafe.WriteUnaligned(x + c, v);
                    Unsafe.WriteUnaligned(sums + c, Unsafe.ReadUnaligned<Vector<float>>(sums + c) + v);
                }
                for (; c < channels; c++)
                {
                    float v = Rectify ? MathF.Max(x[c], 0f) : x[c];
                    if (WriteBack) x[c] = v;
                    sums[c] += v;
                }
            }
        }
    }

    /// <summary>
    /// One task per kept frame i (frame KeptFrames[i]): Output[t] = X[t] where the channel is kept and x &gt; 0 and
    /// x &gt;= Threshold, else 0; Kept[i] = the survivors, Reach[i] = their sum of PixelFan[p]. Output may be Input.
    /// </summary>
    public struct Masking : IParallelBody
    {
        public float* Input, Output;
        public int* KeptFrames, PixelFan;
        /// <summary>Per channel all ones when kept, else zero.</summary>
        public int* ChannelBits;
        public long* Kept, Reach;
        public int Pixels, Channels;
        public float Threshold;

        public readonly void Invoke(int i)
        {
            int channels = Channels, width = Vector<float>.Count, vectorEnd = channels - channels % width;
            long offset = (long)KeptFrames[i] * Pixels * channels;
            float* x = Input + offset, y = Output + offset;
            var threshold = new Vector<float>(Threshold);
            var kept = Vector<int>.Zero;
            var reach = Vector<int>.Zero;
            long scalarKept = 0, scalarReach = 0;
            for (int p = 0; p < Pixels; p++, x += channels, y += channels)
            {
                var fan = new Vector<int>(PixelFan[p]);
                int c = 0;
                for (; c < vectorEnd; c += width)
                {
                    var v = Unsafe.ReadUnaligned<Vector<float>>(x + c);
                    var keep = Vector.GreaterThan(v, Vector<float>.Zero) & Vector.GreaterThanOrEqual(v, threshold)
                        & Unsafe.ReadUnaligned<Vector<int>>(ChannelBits + c);
                    Unsafe.WriteUnaligned(y + c, Vector.AsVectorSingle(Vector.AsVectorInt32(v) & keep));
                    kept -= keep;
                    reach += fan & keep;
                }
                for (; c < channels; c++)
                {
                    float v = x[c];
                    bool keep = ChannelBits[c] != 0 && v > 0f && v >= Threshold;
                    y[c] = keep ? v : 0f;
                    if (!keep) continue;
                    scalarKept++;
                    scalarReach += PixelFan[p];
                }
            }
            // Per frame the lane totals stay far below int.MaxValue (pixels x channels x taps per axis).
            Kept[i] = scalarKept + Vector.Sum(kept);
            Reach[i] = scalarReach + Vector.Sum(reach);
        }
    }
}
