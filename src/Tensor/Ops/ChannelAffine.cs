using System.Numerics;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// A per-channel affine map over the rows of channels-last data ([rows, C]):
/// <c>out[r, c] = (p[r, c] - pShift[c]) * pScale[c] + offset[c]</c>, plus <c>(q[r, c] - qShift[c]) * qScale[c]</c>
/// when <c>q</c> is given. Subtracting the shift before scaling (rather than folding it into the offset) keeps batch
/// norm accurate when a channel's mean is large against its spread. SIMD over channels, parallel over row chunks.
/// </summary>
internal static unsafe class ChannelAffine
{
    private const int ChunkElements = 1 << 15;

    /// <summary>Applies the map to <paramref name="rows"/> rows. <paramref name="output"/> may alias <paramref name="p"/> or <paramref name="q"/>.</summary>
    public static void Apply(int rows, int channels, float* p, float* pShift, float* pScale, float* offset,
        float* q, float* qShift, float* qScale, float* output)
    {
        int chunkRows = Math.Max(1, ChunkElements / channels);
        var body = new Chunks
        {
            P = p, PShift = pShift, PScale = pScale, Offset = offset, Q = q, QShift = qShift, QScale = qScale, Output = output,
            Rows = rows, Channels = channels, ChunkRows = chunkRows,
        };
        ParallelFor.Run((rows + chunkRows - 1) / chunkRows, ref body);
    }

    private struct Chunks : IParallelBody
    {
        public float* P, PShift, PScale, Offset, Q, QShift, QScale, Output;
        public int Rows, Channels, ChunkRows;

        public readonly void Invoke(int chunk)
        {
            int start = chunk * ChunkRows, end = Math.Min(start + ChunkRows, Rows), n = Channels;
            for (long row = start; row < end; row++)
            {
                float* p = P + row * n, q = Q == null ? null : Q + row * n, o = Output + row * n;
                int c = 0;
                for (; c <= n - Vector<float>.Count; c += Vector<float>.Count)
                {
                    var value = (Vector.Load(p + c) - Vector.Load(PShift + c)) * Vector.Load(PScale + c) + Vector.Load(Offset + c);
                    if (q != null) value += (Vector.Load(q + c) - Vector.Load(QShift + c)) * Vector.Load(QScale + c);
                    value.Store(o + c);
                }
                for (; c < n; c++)
                {
                    float value = (p[c] - PShift[c]) * PScale[c] + Offset[c];
                    if (q != null) value += (q[c] - QShift[c]) * QScale[c];
                    o[c] = value;
                }
            }
        }
    }
}
