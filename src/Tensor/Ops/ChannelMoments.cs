using System.Numerics;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// Per-channel sums over the rows of channels-last data ([rows, C]), the reduction behind batch-norm statistics,
/// global average pooling and bias gradients. Accuracy on large tensors comes from blocking: a few dozen rows are
/// summed in float SIMD registers, each block is folded into double, and the parallel chunks' double partials are
/// added in a fixed order. Chunk sizes depend only on the data's shape, never on the thread count, so results are
/// reproducible bit for bit.
/// </summary>
internal static unsafe class ChannelMoments
{
    /// <summary>Target floats per parallel chunk: large enough to amortise a task, small enough to balance.</summary>
    private const int ChunkElements = 1 << 15;

    /// <summary>Floor on rows per chunk, which bounds the partials' scratch at a fraction of the input for wide rows.</summary>
    private const int MinChunkRows = 16;

    /// <summary>Most rows summed in float before folding into double, which bounds the float rounding error.</summary>
    private const int MaxBlockRows = 32;

    /// <summary>Floats of one block (16 KiB): the block stays in L1 while its channels are swept one vector at a time.</summary>
    private const int BlockElements = 4096;

    /// <summary>
    /// For each of <paramref name="groups"/> consecutive groups of <paramref name="rowsPerGroup"/> rows:
    /// <c>first[g, c] = Σ_r (p[r, c] - pShift[c])</c> and, when <paramref name="second"/> is not null,
    /// <c>second[g, c] = Σ_r (p[r, c] - pShift[c]) * (q[r, c] - qShift[c])</c>. A null shift is zero.
    /// Shifting by a value near the mean keeps a one-pass variance free of cancellation.
    /// </summary>
    public static void Sum(float* p, float* pShift, float* q, float* qShift, int groups, int rowsPerGroup, int channels,
        double* first, double* second)
    {
        int chunkRows = Math.Max(MinChunkRows, ChunkElements / channels);
        int chunksPerGroup = (rowsPerGroup + chunkRows - 1) / chunkRows;
        int moments = second == null ? 1 : 2;
        int stride = checked(channels * moments);
        var (buffer, capacity) = NativeBufferPool.Rent(checked(groups * chunksPerGroup * stride * 2));
        try
        {
            var body = new Chunks
            {
                P = p, PShift = pShift, Q = q, QShift = second == null ? null : qShift, Partials = (double*)buffer,
                Channels = channels, RowsPerGroup = rowsPerGroup, ChunkRows = chunkRows, ChunksPerGroup = chunksPerGroup, Moments = moments,
            };
            ParallelFor.Run(groups * chunksPerGroup, ref body);
            for (int g = 0; g < groups; g++)
            {
                var partial = (double*)buffer + (long)g * chunksPerGroup * stride;
                for (int c = 0; c < stride; c++)
                {
                    double total = 0;
                    for (int k = 0; k < chunksPerGroup; k++) total += partial[(long)k * stride + c];
                    if (c < channels) first[(long)g * channels + c] = total;
                    else second[(long)g * channels + c - channels] = total;
                }
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>One task per chunk of rows within a group; it writes its own partial sums, [moments, C] doubles.</summary>
    private struct Chunks : IParallelBody
    {
        public float* P, PShift, Q, QShift;
        public double* Partials;
        public int Channels, RowsPerGroup, ChunkRows, ChunksPerGroup, Moments;

        public readonly void Invoke(int task)
        {
            int group = task / ChunksPerGroup;
            int start = task % ChunksPerGroup * ChunkRows, end = Math.Min(start + ChunkRows, RowsPerGroup);
            double* first = Partials + (long)task * Channels * Moments;
            double* second = Moments == 2 ? first + Channels : null;
            new Span<double>(first, Channels * Moments).Clear();
            long offset = ((long)group * RowsPerGroup + start) * Channels;
            int blockRows = Math.Clamp(BlockElements / Channels, 1, MaxBlockRows);
            for (int row = start; row < end; row += blockRows, offset += (long)blockRows * Channels)
            {
                int rows = Math.Min(blockRows, end - row);
                AccumulateBlock(P + offset, Q == null ? null : Q + offset, rows, first, second);
            }
        }

        private readonly void AccumulateBlock(float* p, float* q, int rows, double* first, double* second)
        {
            int c = 0, n = Channels;
            for (; c <= n - Vector<float>.Count; c += Vector<float>.Count)
            {
                var ps = PShift == null ? Vector<float>.Zero : Vector.Load(PShift + c);
                var sum = Vector<float>.Zero;
                if (second == null)
                {
                    for (int r = 0; r < rows; r++) sum += Vector.Load(p + (long)r * n + c) - ps;
                }
                else
                {
                    var qs = QShift == null ? Vector<float>.Zero : Vector.Load(QShift + c);
                    var products = Vector<float>.Zero;
                    for (int r = 0; r < rows; r++)
                    {
                        var u = Vector.Load(p + (long)r * n + c) - ps;
                        sum += u;
                        products += u * (Vector.Load(q + (long)r * n + c) - qs);
                    }
                    Fold(products, second + c);
                }
                Fold(sum, first + c);
            }
            for (; c < n; c++)
            {
                float ps = PShift == null ? 0f : PShift[c], qs = QShift == null ? 0f : QShift[c];
                float sum = 0, products = 0;
                for (int r = 0; r < rows; r++)
                {
                    float u = p[(long)r * n + c] - ps;
                    sum += u;
                    if (second != null) products += u * (q[(long)r * n + c] - qs);
                }
                first[c] += sum;
                if (second != null) second[c] += products;
            }
        }

        private static void Fold(Vector<float> block, double* total)
        {
            Vector.Widen(block, out var low, out var high);
            (Vector.Load(total) + low).Store(total);
            (Vector.Load(total + Vector<double>.Count) + high).Store(total + Vector<double>.Count);
        }
    }
}
