using System.Numerics.Tensors;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// Global average pooling: input [N, T, H, W, C] channels-last to output [N, C], the mean of each clip's channel over
/// all frames and positions. Sums are accumulated in blocked double precision (see <see cref="ChannelMoments"/>), so
/// the mean stays accurate over hundreds of thousands of positions.
/// </summary>
/// <example><code>GlobalAvgPool3d.Forward(x, features, batch: 8, channels: 512);
/// GlobalAvgPool3d.Backward(dFeatures, dx, batch: 8, channels: 512);</code></example>
public static unsafe class GlobalAvgPool3d
{
    private const int ChunkElements = 1 << 15;

    /// <summary>output[n, c] = mean over t, h, w of input[n, t, h, w, c].</summary>
    /// <exception cref="ArgumentException">The lengths do not describe [N, positions, C] and [N, C] with at least one position.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels)
    {
        int positions = Positions(input.Length, nameof(input), output.Length, nameof(output), batch, channels);
        int count = batch * channels;
        var (buffer, capacity) = NativeBufferPool.Rent(count * 2);
        try
        {
            var sums = (double*)buffer;
            fixed (float* x = input)
                ChannelMoments.Sum(x, null, null, null, batch, positions, channels, sums, null);
            for (int i = 0; i < count; i++) output[i] = (float)(sums[i] / positions);
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    /// <summary>inputGrad[n, t, h, w, c] = outputGrad[n, c] / (T * H * W) (overwritten, not accumulated).</summary>
    /// <exception cref="ArgumentException">The lengths do not describe [N, positions, C] and [N, C] with at least one position.</exception>
    public static void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int batch, int channels)
    {
        int positions = Positions(inputGrad.Length, nameof(inputGrad), outputGrad.Length, nameof(outputGrad), batch, channels);
        var (buffer, capacity) = NativeBufferPool.Rent(batch * channels);
        try
        {
            var scaled = new Span<float>((void*)buffer, batch * channels);
            TensorPrimitives.Multiply(outputGrad, 1f / positions, scaled);
            fixed (float* dx = inputGrad)
            {
                int chunkRows = Math.Max(1, ChunkElements / channels);
                var body = new Broadcast
                {
                    Scaled = (float*)buffer, InputGrad = dx, Channels = channels, Positions = positions,
                    Rows = batch * positions, ChunkRows = chunkRows,
                };
                ParallelFor.Run((body.Rows + chunkRows - 1) / chunkRows, ref body);
            }
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    private static int Positions(int inputLength, string inputName, int outputLength, string outputName, int batch, int channels)
    {
        OpsArguments.Positive(batch, nameof(batch));
        OpsArguments.Positive(channels, nameof(channels));
        OpsArguments.Length(outputLength, checked(batch * channels), outputName, $"global pooling to [{batch}, {channels}]");
        return OpsArguments.Rows(inputLength, batch * channels, inputName, "batch * channels");
    }

    /// <summary>One task per chunk of input rows: each row of clip n receives the scaled gradient row n.</summary>
    private struct Broadcast : IParallelBody
    {
        public float* Scaled, InputGrad;
        public int Channels, Positions, Rows, ChunkRows;

        public readonly void Invoke(int chunk)
        {
            int start = chunk * ChunkRows, end = Math.Min(start + ChunkRows, Rows);
            for (int row = start; row < end; row++)
            {
                new ReadOnlySpan<float>(Scaled + (long)(row / Positions) * Channels, Channels)
                    .CopyTo(new Span<float>(InputGrad + (long)row * Channels, Channels));
            }
        }
    }
}
