using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// 3D convolution on channels-last activations (see <see cref="Conv3dGeometry"/> for layouts).
/// </summary>
public static unsafe partial class Conv3d
{
    /// <summary>
    /// output = conv(input, weight) + bias. <paramref name="bias"/> may be empty. With a <paramref name="mask"/>,
    /// dropped frames and channels of the input count as zeros and their work is skipped: the reduction shrinks
    /// to the kept channels, taps on dropped frames are not computed, and output frames that see no kept frame
    /// get the bias alone. Runs on <see cref="Threading.ParallelFor.Threads"/> threads and allocates nothing on
    /// the managed heap.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer's length does not match the geometry, or the mask does not fit it.</exception>
    /// <example><code>var g = Conv3dGeometry.Create(1, 64, new Dims3(16, 56, 56), 128, Dims3.Cube(3), padding: Dims3.Cube(1));
    /// Conv3d.Forward(g, input, weight, bias, output);</code></example>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask = null)
    {
        // Shapes are objects: build them for the message only, so a valid call allocates nothing.
        if (input.Length != g.InputLength) g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        if (weight.Length != g.WeightLength) g.RequireLength(nameof(weight), weight.Length, g.WeightLength, g.WeightShape);
        if (output.Length != g.OutputLength) g.RequireLength(nameof(output), output.Length, g.OutputLength, g.OutputShape);
        if (!bias.IsEmpty && bias.Length != g.OutChannels) g.RequireLength(nameof(bias), bias.Length, g.OutChannels, new Shape(g.OutChannels));
        mask?.RequireFits(g);
        if (mask != null && (mask.KeptFrames.Length == 0 || mask.KeptChannels.Length == 0))
        {
            FillBias(bias, output, g.OutChannels);
            return;
        }
        bool dropsFrames = mask != null && mask.KeptFrames.Length < g.Input.T;
        bool dropsChannels = mask != null && mask.KeptChannels.Length < g.InChannels;
        // Byte maps of kept frames and channels, from the pool: the forward pass allocates nothing.
        var (maps, mapsCapacity) = NativeBufferPool.Rent((g.Input.T + g.InChannels + 3) / 4);
        try
        {
            byte* frameKept = dropsFrames ? Flags((byte*)maps, g.Input.T, mask!.KeptFrames) : null;
            byte* channelKept = dropsChannels ? Flags((byte*)maps + g.Input.T, g.InChannels, mask!.KeptChannels) : null;
            fixed (float* x = input, w = weight, b = bias, y = output)
            fixed (int* keptChannels = mask?.KeptChannels)
            {
                // Depthwise has no channel reduction to build a GEMM from: a direct kernel vectorised over channels.
                // Everything else is an implicit GEMM on the input in place (see Conv3dForwardRows), which covers the
                // special shapes without a plan of their own: 1x1x1 stride 1 is a plain GEMM over all pixels; (k,1,1)
                // temporal and (1,k,k) spatial kernels simply have fewer taps, i.e. K segments per tile, each Cin
                // (or kW * Cin) long and read in place; other group counts run one GEMM per group.
                if (g.Groups > 1 && g.Groups == g.InChannels && g.Groups == g.OutChannels)
                {
                    var depthwise = new Conv3dForwardDepthwise
                    {
                        Geometry = g, Input = x, Weight = w, Bias = b, Output = y, FrameKept = frameKept, ChannelKept = channelKept,
                    };
                    SimdDispatch.Run(ref depthwise);
                    return;
                }
                var gemm = new Conv3dForwardGemm
                {
                    Geometry = g, Input = x, Weight = w, Bias = b, Output = y, FrameKept = frameKept,
                    Channels = dropsChannels ? keptChannels : null, KeptChannels = dropsChannels ? mask!.KeptChannels.Length : g.InChannels,
                };
                SimdDispatch.Run(ref gemm);
            }
        }
        finally
        {
            NativeBufferPool.Return(maps, mapsCapacity);
        }
    }

    /// <summary>With no kept frame or channel the input is all zeros: every output pixel is the bias.</summary>
    private static void FillBias(ReadOnlySpan<float> bias, Span<float> output, int channels)
    {
        if (bias.IsEmpty)
        {
            output.Clear();
            return;
        }
        for (int i = 0; i < output.Length; i += channels) bias.CopyTo(output.Slice(i, channels));
    }

    private static byte* Flags(byte* flags, int count, int[] kept)
    {
        new Span<byte>(flags, count).Clear();
        foreach (int i in kept) flags[i] = 1;
        return flags;
    }
}
