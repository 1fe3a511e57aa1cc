using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// 3D convolution that skips zero activations (unstructured feature sparsity), on the layouts of
/// <see cref="Conv3dGeometry"/>: every non-zero input element is multiplied by a weight row of length Cout and
/// scattered into each output pixel one of its taps reaches. Dropped frames and channels of a
/// <see cref="Conv3dInputMask"/> are skipped as well, so one call applies all three granularities of pruning.
/// </summary>
/// <remarks>
/// Two passes. (1) Compaction, one input line (n, t, h) per parallel iteration: per kept channel, the line's non-zero
/// values and their columns. (2) Scatter, one output row (n, to, ho) per parallel iteration, so no two threads write
/// the same output and the row being accumulated stays in the L1 cache: per tap row (kt, kh) and kept channel, the
/// input line's list of non-zeros; per kw, the weight row W[kt, kh, kw, c, :] goes into registers (a block of
/// <see cref="SparseInputAccumulation.BlockVectors"/> vectors of Cout at a time) and each listed value times it is
/// added to the output pixel its column lands on. Each multiply-add loads and stores its output vector, where a dense
/// GEMM keeps its sums in registers, so the dense-compacted conv wins above some density; <see cref="GatedConv3d"/> chooses.
/// </remarks>
public static unsafe class SparseInputConv3d
{
    /// <summary>
    /// output = conv(input, weight) + bias, where dropped frames and channels of <paramref name="mask"/> (null keeps
    /// all) and zero activations contribute nothing and cost nothing. <paramref name="bias"/> may be empty.
    /// <paramref name="work"/> receives the exact work of this call (see <see cref="GatedConvCost.SparseInput(in Conv3dGeometry, Conv3dInputMask?, ReadOnlySpan{float})"/>).
    /// Allocates nothing on the managed heap; scratch (8 bytes per kept input element) comes from <see cref="NativeBufferPool"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Groups are not 1, a buffer's length does not match the geometry, or the
    /// mask does not fit it.</exception>
    /// <example><code>SparseInputConv3d.Forward(g, relu, weight, bias, output, mask, out var work);</code></example>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, out ConvWorkCounters work)
    {
        Validate(g, input, weight, bias, output, mask);
        int lines = g.Batch * g.Input.T * g.Input.H;
        int keptChannels = mask?.KeptChannels.Length ?? g.InChannels;
        var (slots, slotsCapacity) = NativeBufferPool.Rent(checked(lines * keptChannels * g.Input.W * (sizeof(SparseEntry) / sizeof(float))));
        var (counts, countsCapacity) = NativeBufferPool.Rent(checked(lines * keptChannels));
        var (map, mapCapacity) = NativeBufferPool.Rent(checked(g.Kernel.W * g.Input.W));
        var (flags, flagsCapacity) = NativeBufferPool.Rent(g.Input.T / sizeof(float) + 1);
        try
        {
            byte* frameKept = (byte*)flags;
            new Span<byte>(frameKept, g.Input.T).Fill(mask is null ? (byte)1 : (byte)0);
            if (mask is not null) foreach (int t in mask.KeptFrames) frameKept[t] = 1;
            MapColumns(g, (int*)map);
            long* tallies = stackalloc long[SparseInputAccumulation.TallyCount];
            fixed (float* x = input, w = weight, b = bias, y = output)
            fixed (int* channels = mask?.KeptChannels)
            {
                int* kept = mask is null ? null : channels;
                var compaction = new SparseInputCompaction
                {
                    Input = x, Slots = (SparseEntry*)slots, Counts = (int*)counts, FrameKept = frameKept, Channels = kept,
                    KeptChannels = keptChannels, Width = g.Input.W, Height = g.Input.H, Frames = g.Input.T, InChannels = g.InChannels,
                };
                ParallelFor.Run(lines, ref compaction);
                var scatter = new SparseInputAccumulation
                {
                    Geometry = g, Weight = w, Bias = bias.IsEmpty ? null : b, Output = y, Slots = (SparseEntry*)slots,
                    Counts = (int*)counts, Channels = kept, KeptChannels = keptChannels, FrameKept = frameKept, ColumnMap = (int*)map, Tallies = tallies,
                };
                SimdDispatch.Run(ref scatter);
            }
            long keptFrames = mask?.KeptFrames.Length ?? g.Input.T;
            work = new ConvWorkCounters
            {
                Macs = tallies[SparseInputAccumulation.MacTally],
                ActivationBytesRead = g.Batch * keptFrames * g.Input.H * g.Input.W * keptChannels * sizeof(float)
                    + tallies[SparseInputAccumulation.EntryTally] * sizeof(SparseEntry),
                WeightBytesRead = tallies[SparseInputAccumulation.WeightRowTally] * g.OutChannels * sizeof(float),
                OutputBytesWritten = (long)g.OutputLength * sizeof(float),
            };
        }
        finally
        {
            NativeBufferPool.Return(slots, slotsCapacity);
            NativeBufferPool.Return(counts, countsCapacity);
            NativeBufferPool.Return(map, mapCapacity);
            NativeBufferPool.Return(flags, flagsCapacity);
        }
    }

    /// <summary>The same checks and messages as <see cref="Conv3d.Forward"/>, plus what this kernel does not support.</summary>
    internal static void Validate(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask)
    {
        if (g.Groups != 1)
            throw new ArgumentException($"The sparse-input conv needs groups = 1; conv {g} has groups {g.Groups}.", nameof(g));
        if (input.Length != g.InputLength) g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        if (weight.Length != g.WeightLength) g.RequireLength(nameof(weight), weight.Length, g.WeightLength, g.WeightShape);
        if (output.Length != g.OutputLength) g.RequireLength(nameof(output), output.Length, g.OutputLength, g.OutputShape);
        if (!bias.IsEmpty && bias.Length != g.OutChannels) g.RequireLength(nameof(bias), bias.Length, g.OutChannels, new Shape(g.OutChannels));
        mask?.RequireFits(g);
    }

    /// <summary>map[kw * W + w] = the output column wo with wo * stride - padding + kw * dilation = w, or -1 where there is none.</summary>
    private static void MapColumns(in Conv3dGeometry g, int* map)
    {
        for (int kw = 0; kw < g.Kernel.W; kw++)
        for (int w = 0; w < g.Input.W; w++)
        {
            int scaled = w + g.Padding.W - kw * g.Dilation.W;
            map[kw * g.Input.W + w] = scaled >= 0 && scaled % g.Stride.W == 0 && scaled / g.Stride.W < g.Output.W ? scaled / g.Stride.W : -1;
        }
    }
}
