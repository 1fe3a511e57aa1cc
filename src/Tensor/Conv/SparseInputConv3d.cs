using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// 3D convolution that skips zero activations (unstructured feature sparsity), on the layouts of
/// <see cref="Conv3dGeometry"/>. Every non-zero input element is multiplied by a weight row of length Cout and
/// accumulated into each output pixel one of its taps reaches. Dropped frames and channels of a
/// <see cref="Conv3dInputMask"/> are skipped as well, so one call applies all three granularities of pruning.
/// </summary>
/// <remarks>
/// Two passes. (1) Compaction: every kept input pixel's non-zero kept channels go to a fixed-size slot of
/// (weight row offset, value) entries, one input line per parallel iteration. (2) Accumulation, organised by
/// output pixel so a block of Cout accumulators stays in registers across all taps and no two threads write the
/// same output: per output row, the taps whose input pixels are in range and on kept frames, then per block of
/// <see cref="SparseInputAccumulation.BlockVectors"/> vectors of Cout, the entries of those pixels times their
/// weight rows. Pays when few activations survive: every multiply-add loads its weight, so a dense GEMM, which
/// reuses each loaded weight across a tile of pixels, wins at high density (<see cref="GatedConv3d"/> chooses).
/// </remarks>
public static unsafe class SparseInputConv3d
{
    /// <summary>Most kernel taps supported (per-row tap tables live on the stack).</summary>
    public const int MaxKernelVolume = 1024;

    /// <summary>
    /// output = conv(input, weight) + bias, where dropped frames and channels of <paramref name="mask"/> (null keeps
    /// all) and zero activations contribute nothing and cost nothing. <paramref name="bias"/> may be empty.
    /// <paramref name="work"/> receives the exact multiply-adds and bytes of this call. Allocates nothing on the
    /// managed heap; scratch (8 bytes per kept input element) comes from <see cref="NativeBufferPool"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Groups are not 1, the kernel has more than <see cref="MaxKernelVolume"/>
    /// taps, a buffer's length does not match the geometry, or the mask does not fit it.</exception>
    /// <example><code>SparseInputConv3d.Forward(g, relu, weight, bias, output, mask, out var work);</code></example>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, out ConvWorkCounters work)
    {
        Validate(g, input, weight, bias, output, mask);
        int pixels = g.Batch * (int)g.Input.Volume;
        int keptChannels = mask?.KeptChannels.Length ?? g.InChannels;
        var (slots, slotsCapacity) = NativeBufferPool.Rent(checked(pixels * keptChannels * (sizeof(SparseEntry) / sizeof(float))));
        var (counts, countsCapacity) = NativeBufferPool.Rent(pixels);
        var (flags, flagsCapacity) = NativeBufferPool.Rent(g.Input.T / sizeof(float) + 1);
        try
        {
            byte* frameKept = (byte*)flags;
            new Span<byte>(frameKept, g.Input.T).Fill(mask is null ? (byte)1 : (byte)0);
            if (mask is not null) foreach (int t in mask.KeptFrames) frameKept[t] = 1;
            long* tallies = stackalloc long[SparseInputAccumulation.TallyCount];
            fixed (float* x = input, w = weight, b = bias, y = output)
            fixed (int* channels = mask?.KeptChannels)
            {
                var compaction = new SparseInputCompaction
                {
                    Input = x, Slots = (SparseEntry*)slots, Counts = (int*)counts, FrameKept = frameKept,
                    Channels = mask is null ? null : channels, KeptChannels = keptChannels,
                    Width = g.Input.W, Height = g.Input.H, Frames = g.Input.T, InChannels = g.InChannels, OutChannels = g.OutChannels,
                };
                ParallelFor.Run(g.Batch * g.Input.T * g.Input.H, ref compaction);
                var accumulate = new SparseInputAccumulation
                {
                    Geometry = g, Weight = w, Bias = bias.IsEmpty ? null : b, Output = y,
                    Slots = (SparseEntry*)slots, SlotLength = keptChannels, Counts = (int*)counts, FrameKept = frameKept, Tallies = tallies,
                };
                SimdDispatch.Run(ref accumulate);
            }
            long keptFrames = mask?.KeptFrames.Length ?? g.Input.T;
            long macs = tallies[SparseInputAccumulation.MacTally];
            work = new ConvWorkCounters
            {
                Macs = macs,
                ActivationBytesRead = g.Batch * keptFrames * g.Input.H * g.Input.W * keptChannels * sizeof(float)
                    + tallies[SparseInputAccumulation.EntryTally] * sizeof(SparseEntry),
                WeightBytesRead = macs * sizeof(float),
                OutputBytesWritten = (long)g.OutputLength * sizeof(float),
            };
        }
        finally
        {
            NativeBufferPool.Return(slots, slotsCapacity);
            NativeBufferPool.Return(counts, countsCapacity);
            NativeBufferPool.Return(flags, flagsCapacity);
        }
    }

    /// <summary>The same checks and messages as <see cref="Conv3d.Forward"/>, plus what this kernel does not support.</summary>
    internal static void Validate(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask)
    {
        if (g.Groups != 1)
            throw new ArgumentException($"The sparse-input conv needs groups = 1; conv {g} has groups {g.Groups}.", nameof(g));
        if (g.Kernel.Volume > MaxKernelVolume)
            throw new ArgumentException($"Kernel {g.Kernel} has {g.Kernel.Volume} taps; the sparse-input conv supports at most {MaxKernelVolume}.", nameof(g));
        if (input.Length != g.InputLength) g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        if (weight.Length != g.WeightLength) g.RequireLength(nameof(weight), weight.Length, g.WeightLength, g.WeightShape);
        if (output.Length != g.OutputLength) g.RequireLength(nameof(output), output.Length, g.OutputLength, g.OutputShape);
        if (!bias.IsEmpty && bias.Length != g.OutChannels) g.RequireLength(nameof(bias), bias.Length, g.OutChannels, new Shape(g.OutChannels));
        mask?.RequireFits(g);
    }
}
