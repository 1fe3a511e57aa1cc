using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// A conv input copied with its zero padding materialised, [N, T + 2pT, H + 2pH, W + 2pW, Cin]: every tap of every
/// output pixel then lands inside the buffer, so the direct kernels that read it need no bounds checks. Output pixel
/// (ot, oh, ow) reads padded position (ot * sT + kt * dT, oh * sH + kh * dH, ow * sW + kw * dW).
/// </summary>
internal readonly unsafe struct Conv3dPaddedInput(Conv3dGeometry g)
{
    private readonly Conv3dGeometry _g = g;

    /// <summary>Padded frames, rows and columns.</summary>
    public readonly int T = g.Input.T + 2 * g.Padding.T, H = g.Input.H + 2 * g.Padding.H, W = g.Input.W + 2 * g.Padding.W;

    /// <summary>Floats of the padded buffer.</summary>
    public int Length => checked(_g.Batch * T * H * W * _g.InChannels);

    /// <summary>Floats from one padded row to the next.</summary>
    public long RowLength => (long)W * _g.InChannels;

    /// <summary>Offset of padded row (n, t, h).</summary>
    public long Row(int n, int t, int h) => (((long)n * T + t) * H + h) * RowLength;

    /// <summary>Writes the padded copy of <paramref name="input"/> into <paramref name="padded"/> (<see cref="Length"/> floats), one frame per task.</summary>
    public void Fill(float* input, float* padded)
    {
        var body = new Frames { Geometry = _g, Shape = this, Input = input, Padded = padded };
        ParallelFor.Run(_g.Batch * T, ref body);
    }

    /// <summary>One padded frame (n, t): zeros where it is padding, the input row by row elsewhere.</summary>
    private struct Frames : IParallelBody
    {
        public Conv3dGeometry Geometry;
        public Conv3dPaddedInput Shape;
        public float* Input, Padded;

        public readonly void Invoke(int frame)
        {
            ref readonly Conv3dGeometry g = ref Geometry;
            int cin = g.InChannels, rowLength = Shape.W * cin;
            int n = frame / Shape.T, t = frame % Shape.T - g.Padding.T;
            float* target = Padded + (long)frame * Shape.H * rowLength;
            if ((uint)t >= (uint)g.Input.T)
            {
                new Span<float>(target, Shape.H * rowLength).Clear();
                return;
            }
            int pad = g.Padding.W * cin, copied = g.Input.W * cin;
            new Span<float>(target, g.Padding.H * rowLength).Clear();
            for (int h = 0; h < g.Input.H; h++)
            {
                float* row = target + (long)(g.Padding.H + h) * rowLength;
                new Span<float>(row, pad).Clear();
                new ReadOnlySpan<float>(Input + (((long)n * g.Input.T + t) * g.Input.H + h) * copied, copied).CopyTo(new Span<float>(row + pad, copied));
                new Span<float>(row + pad + copied, rowLength - pad - copied).Clear();
            }
            new Span<float>(target + (long)(g.Padding.H + g.Input.H) * rowLength, g.Padding.H * rowLength).Clear();
        }
    }
}
