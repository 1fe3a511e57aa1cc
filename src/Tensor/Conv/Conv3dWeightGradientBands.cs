using NativeDance.Tensors.Threading;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NativeDance.Tensors.Conv;

/// <summary>Adds the products of one gradOutput row with one input row into the weight-gradient rows of one (kt, kh) tap.</summary>
internal unsafe interface ITapRowKernel
{
    /// <param name="tapSums">Weight gradient of tap (kt, kh, kw = 0): [kW, Cin/groups, Cout].</param>
    /// <param name="inputRow">Input row (n, it, ih): [W, Cin].</param>
    /// <param name="gradOutputRow">gradOutput row (n, ot, oh): [Wo, Cout].</param>
    void Accumulate(float* tapSums, float* inputRow, float* gradOutputRow);
}

/// <summary>
/// The frame of the direct weight-gradient kernels: bands of output rows are split among threads, each summing into
/// its own partial weight gradient, so no two threads accumulate into the same memory; for every output row the valid
/// (kt, kh) taps are found once and handed to the kernel with their input row; the partials are added at the end.
/// </summary>
internal static unsafe class Conv3dWeightGradientBands
{
    public static void Run<TKernel>(in Conv3dGeometry g, float* input, float* gradOutput, Span<float> gradWeight, TKernel kernel)
        where TKernel : unmanaged, ITapRowKernel
    {
        int rows = g.Batch * g.Output.T * g.Output.H, parts = Math.Min(rows, 2 * ParallelFor.Threads);
        int length = g.WeightLength;
        var (buffer, capacity) = NativeBufferPool.Rent(checked(parts * length));
        try
        {
            var body = new Bands<TKernel>(g, kernel, input, gradOutput, (float*)buffer, rows, parts);
            ParallelFor.Run(parts, ref body);
            var partials = new ReadOnlySpan<float>((float*)buffer, parts * length);
            partials[..length].CopyTo(gradWeight);
            for (int part = 1; part < parts; part++)
                TensorPrimitives.Add(gradWeight, partials.Slice(part * length, length), gradWeight);
        }
        finally
        {
            NativeBufferPool.Return(buffer, capacity);
        }
    }

    private readonly struct Bands<TKernel>(Conv3dGeometry g, TKernel kernel, float* input, float* gradOutput, float* partials, int rows, int parts)
        : IParallelBody where TKernel : unmanaged, ITapRowKernel
    {
        public void Invoke(int part)
        {
            float* sums = partials + (long)part * g.WeightLength;
            new Span<float>(sums, g.WeightLength).Clear();
            long tapLength = (long)g.Kernel.W * g.InChannelsPerGroup * g.OutChannels;
            for (int row = (int)((long)part * rows / parts), end = (int)((long)(part + 1) * rows / parts); row < end; row++)
            {
                int oh = row % g.Output.H, ot = row / g.Output.H % g.Output.T, n = row / g.Output.H / g.Output.T;
                float* gradOutputRow = gradOutput + (long)row * g.Output.W * g.OutChannels;
                for (int kt = 0; kt < g.Kernel.T; kt++)
                {
                    int it = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
                    if ((uint)it >= (uint)g.Input.T) continue;
                    for (int kh = 0; kh < g.Kernel.H; kh++)
                    {
                        int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                        if ((uint)ih >= (uint)g.Input.H) continue;
                        float* inputRow = input + ((long)(n * g.Input.T + it) * g.Input.H + ih) * g.Input.W * g.InChannels;
                        kernel.Accumulate(sums + (kt * g.Kernel.H + kh) * tapLength, inputRow, gradOutputRow);
                    }
                }
            }
        }
    }
}
