using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Ops;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// 3D convolution that skips zero activations (unstructured feature sparsity), on the layouts of
/// <see cref="Conv3dGeometry"/>: every non-zero input element is multiplied by a weight row of length Cout and
/// added into each output pixel one of its taps reaches. Dropped frames and channels of a
/// <see cref="Conv3dInputMask"/> are skipped as well, so one call applies all three granularities of pruning.
/// </summary>
/// <remarks>
/// Three steps. (0) Weights that do not start on a cache line (or whose Cout is not a multiple of 16) are copied to
/// aligned rows (<see cref="SparseInputWeights"/>): every multiply-add loads a weight vector, and split loads would
/// halve the rate. (1) Compaction, one input line (n, t, h) per parallel iteration (AVX-512 compress when all channels
/// are kept): per line and block of kept channels, the non-zero values with their weight-row offsets, pixel after
/// pixel (<see cref="SparseInputCompaction"/>). (2) One output row (n, to, ho) per parallel iteration, so no two
/// threads write the same output, summed in an L1-resident scratch row; per tap row (kt, kh), channel block and pass
/// over up to 8 vectors of Cout, the weights of that slab (32 KiB at most) stay in the L1 cache while the row is
/// swept: for kW = 3, stride 1 rows by scattering each entry into a register window of three output pixels
/// (<see cref="SparseInputWindow{TOps, TVec}"/>), otherwise by gathering each output pixel's entries into registers.
/// Every multiply-add loads its weight, where a dense GEMM reuses each loaded weight across a tile of pixels, so the
/// dense-compacted conv wins above some density; <see cref="GatedConv3d"/> chooses.
/// </remarks>
public static unsafe class SparseInputConv3d
{
    /// <summary>Inputs below this many values are compacted on the calling thread (about 50 us of work at most).</summary>
    private const int SerialCompactionElements = 1 << 16;

    /// <summary>
    /// output = conv(input, weight) + bias, where dropped frames and channels of <paramref name="mask"/> (null keeps
    /// all) and zero activations contribute nothing and cost nothing. <paramref name="bias"/> may be empty.
    /// <paramref name="work"/> receives the exact work of this call (see <see cref="GatedConvCost.SparseInput(in Conv3dGeometry, Conv3dInputMask?, ReadOnlySpan{float})"/>).
    /// Allocates nothing on the managed heap; scratch (8 bytes per input pixel and kept channel) comes from <see cref="NativeBufferPool"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Groups are not 1, a buffer's length does not match the geometry, or the
    /// mask does not fit it.</exception>
    /// <example><code>SparseInputConv3d.Forward(g, relu, weight, bias, output, mask, out var work);</code></example>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, out ConvWorkCounters work)
    {
        Validate(g, input, weight, bias, output, mask);
        if (SparseInputPlanes.Applies(g, SimdDispatch.Width))
            ForwardPlanes(g, input, weight, null, bias, output, mask, default, null, null, out work, out _);
        else
            ForwardRows(g, input, weight, bias, output, mask, out work);
    }

    /// <summary>
    /// <see cref="Forward(in Conv3dGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Conv3dInputMask?, out ConvWorkCounters)"/>
    /// with weights and bias prepared once (<see cref="GatedConv3dWeights"/>), so no call copies them.
    /// </summary>
    /// <exception cref="ArgumentException">The weights were prepared for another geometry, a buffer's length does not
    /// match the geometry, or the mask does not fit it.</exception>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, GatedConv3dWeights weights, Span<float> output,
        Conv3dInputMask? mask, out ConvWorkCounters work)
    {
        weights.RequireGeometry(g);
        Validate(g, input, weights.Weight, weights.Bias, output, mask);
        if (SparseInputPlanes.Applies(g, SimdDispatch.Width))
            ForwardPlanes(g, input, weights.Weight, weights, weights.Bias, output, mask, default, null, null, out work, out _);
        else
            ForwardRows(g, input, weights.Weight, weights.Bias, output, mask, out work);
    }

    /// <summary>
    /// Whether <see cref="ForwardPooled"/> can fuse <paramref name="pool"/> into the plane form's copy-out: the plane
    /// form runs, Cout is a whole number of passes (so every lane pooled is a real channel), and the pool's windows
    /// tile the conv's output exactly (kernel = stride, no padding, dilation 1, dividing every axis).
    /// </summary>
    internal static bool FusesPool(in Conv3dGeometry g, in Pool3dGeometry pool)
    {
        var width = SimdDispatch.Width;
        return SparseInputPlanes.Applies(g, width) && g.OutChannels % SparseInputPlaneWeights.PassLanesOf(g.OutChannels, width) == 0
            && pool.Kernel == pool.Stride && pool.Padding == new Dims3(0, 0, 0) && pool.Dilation == new Dims3(1, 1, 1)
            && g.Output.T % pool.Kernel.T == 0 && g.Output.H % pool.Kernel.H == 0 && g.Output.W % pool.Kernel.W == 0;
    }

    /// <summary>
    /// The prepared-weights forward followed by the max pool <paramref name="pool"/> (over the conv's output) into
    /// <paramref name="pooled"/>, fused into the copy-out: the conv's output is never written. Only where
    /// <see cref="FusesPool"/>; the caller has validated the pool against the conv. <paramref name="work"/> counts the
    /// pooled output as the bytes written.
    /// </summary>
    internal static void ForwardPooled(in Conv3dGeometry g, ReadOnlySpan<float> input, GatedConv3dWeights weights, in Pool3dGeometry pool,
        Span<float> pooled, Conv3dInputMask? mask, out ConvWorkCounters work)
    {
        fixed (float* y = pooled)
            ForwardPlanes(g, input, weights.Weight, weights, weights.Bias, default, mask, pool.Kernel, y, null, out work, out _);
        work.OutputBytesWritten = (long)pool.OutputLength * sizeof(float);
    }

    /// <summary>
    /// DANCE's feature mask fused into the plane form's compaction: an entry is a value of a kept frame and channel that
    /// is positive and at least <paramref name="featureThreshold"/>, so the masked input is never written. The entries
    /// are counted first; at a density (entries over the kept frames' kept values) at or above
    /// <paramref name="densityLimit"/> nothing is summed, nothing written, and false returned. Only where the plane form
    /// runs (and, with a pool, where <see cref="FusesPool"/>); the caller has validated the buffers.
    /// </summary>
    internal static bool TryForwardThresholded(in Conv3dGeometry g, ReadOnlySpan<float> input, float featureThreshold, double densityLimit,
        GatedConv3dWeights weights, Span<float> output, Dims3 pool, Span<float> pooled, Conv3dInputMask mask, out ConvWorkCounters work, out long entries)
    {
        // x > 0 and x >= T is x >= T for a positive T, x >= the smallest positive float for any other but NaN, and never for NaN.
        float floor = featureThreshold > 0 || float.IsNaN(featureThreshold) ? featureThreshold : float.Epsilon;
        fixed (float* y = pooled)
        {
            bool ran = ForwardPlanes(g, input, weights.Weight, weights, weights.Bias, output, mask, pool, y, new FeatureGate(floor, densityLimit), out work, out entries);
            if (ran && pool != default) work.OutputBytesWritten = (long)pooled.Length * sizeof(float);
            return ran;
        }
    }

    /// <summary>A feature mask for the compaction: entries are values at or above <see cref="Floor"/>; the call sums only below <see cref="DensityLimit"/>.</summary>
    private readonly record struct FeatureGate(float Floor, double DensityLimit);

    /// <summary>
    /// The plane form at the dispatched width with the <paramref name="prepared"/> copy of the weights in its layout
    /// where that copy was packed for this width's passes, else with <paramref name="weight"/> packed for this call
    /// (per-call weights, or weights prepared at another width, which only a test forcing the width meets).
    /// </summary>
    private static bool ForwardPlanes(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, GatedConv3dWeights? prepared,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, Dims3 pool, float* pooled, FeatureGate? gate, out ConvWorkCounters work, out long entries)
    {
        int lanes = SparseInputPlaneWeights.PassLanesOf(g.OutChannels, SimdDispatch.Width);
        nint copy = 0;
        int copyCapacity = 0;
        try
        {
            fixed (float* source = weight, ready = prepared?.PlaneData)
            {
                SparseInputPlaneWeights planeWeights;
                if (prepared is not null && prepared.PlaneLanes == lanes)
                    planeWeights = SparseInputPlaneWeights.For(g, lanes, null, ready + prepared.PlaneOffset);
                else
                {
                    (copy, copyCapacity) = NativeBufferPool.Rent(checked((int)SparseInputPlaneWeights.Length(g, lanes)));
                    planeWeights = SparseInputPlaneWeights.For(g, lanes, source, (float*)copy);
                    planeWeights.Pack();
                }
                return CompactAndSum(g, input, planeWeights, bias, output, mask, pool, pooled, gate, out work, out entries);
            }
        }
        finally
        {
            NativeBufferPool.Return(copy, copyCapacity);
        }
    }

    /// <summary>
    /// The plane form (see <see cref="SparseInputPlanes"/>) with weights in its layout: per-frame compaction, then one
    /// output frame and pass over Cout per parallel iteration; with a <paramref name="pool"/> window (all zero for
    /// none), one pooled frame per iteration into <paramref name="pooled"/> instead of <paramref name="output"/>.
    /// </summary>
    private static bool CompactAndSum(in Conv3dGeometry g, ReadOnlySpan<float> input, SparseInputPlaneWeights weights,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, Dims3 pool, float* pooled, FeatureGate? gate, out ConvWorkCounters work, out long entries)
    {
        int frames = g.Batch * g.Input.T, pixels = g.Input.H * g.Input.W;
        int keptChannels = mask?.KeptChannels.Length ?? g.InChannels;
        long frameCapacity = SparseInputPlaneCompaction.CapacityOf(pixels, keptChannels);
        int entryCount = checked((int)(frames * frameCapacity));
        var (values, valuesCapacity) = NativeBufferPool.Rent(entryCount);
        var (offsets, offsetsCapacity) = NativeBufferPool.Rent(entryCount);
        int lanes = weights.PassLanes, blockChannels = SparseInputPlanes.BlockChannelsOf(lanes), blocks = Math.Max(1, (g.InChannels + blockChannels - 1) / blockChannels);
        var (starts, startsCapacity) = NativeBufferPool.Rent(checked(frames * SparseInputPlaneCompaction.StartsPerFrame(pixels, blocks)));
        int rowLength = SparseInputPlanes.RowLengthOf(g, lanes), templateLength = weights.Passes * rowLength;
        // Row templates, channel flags and offsets, per-pixel reach, per-frame reach (longs), frame flags (bytes).
        var (tables, tablesCapacity) = NativeBufferPool.Rent(checked(templateLength + 2 * g.InChannels + pixels + 2 * frames + g.Input.T / sizeof(float) + 1));
        try
        {
            float* rowTemplate = (float*)tables;
            new Span<float>(rowTemplate, templateLength).Clear();
            for (int pass = 0; pass < weights.Passes; pass++)
            {
                int first = pass * lanes, count = Math.Min(lanes, bias.Length - first);
                if (count <= 0) continue;
                for (int wo = 0; wo < g.Output.W; wo++)
                    bias.Slice(first, count).CopyTo(new Span<float>(rowTemplate + pass * rowLength + (SparseInputPlanes.GuardsBefore + wo) * lanes, count));
            }
            int* channelKept = (int*)(rowTemplate + templateLength), channelOffsets = channelKept + g.InChannels, pixelReach = channelOffsets + g.InChannels;
            long* frameReach = (long*)(pixelReach + pixels);
            byte* frameKept = (byte*)(frameReach + frames);
            for (int h = 0; h < g.Input.H; h++)
            for (int w = 0; w < g.Input.W; w++)
                pixelReach[h * g.Input.W + w] = SparseInputPlaneCompaction.AxisReach(h, g.Padding.H, g.Output.H) * SparseInputPlaneCompaction.AxisReach(w, g.Padding.W, g.Output.W);
            new Span<byte>(frameKept, g.Input.T).Fill(mask is null ? (byte)1 : (byte)0);
            if (mask is not null) foreach (int t in mask.KeptFrames) frameKept[t] = 1;
            new Span<int>(channelKept, g.InChannels).Fill(mask is null ? -1 : 0);
            if (mask is not null) foreach (int c in mask.KeptChannels) channelKept[c] = -1;
            for (int c = 0; c < g.InChannels; c++) channelOffsets[c] = c * weights.ChannelStride;
            long* tallies = stackalloc long[SparseInputAccumulation.TallyCount];
            new Span<long>(tallies, SparseInputAccumulation.TallyCount).Clear();
            fixed (float* x = input, y = output)
            {
                var compaction = new SparseInputPlaneCompaction
                {
                    Input = x, Values = (float*)values, Offsets = (int*)offsets, Starts = (int*)starts, ChannelKept = channelKept,
                    ChannelOffsets = channelOffsets, FrameKept = frameKept, PixelReach = pixelReach, FrameReach = frameReach, Frames = g.Input.T, Pixels = pixels, InChannels = g.InChannels,
                    FrameCapacity = frameCapacity, Thresholded = gate is not null, Floor = gate?.Floor ?? 0f, BlockChannels = blockChannels, Blocks = blocks,
                };
                // A small input compacts in microseconds: waking a second thread would cost more than it saves.
                if (g.InputLength < SerialCompactionElements)
                    for (int frame = 0; frame < frames; frame++) compaction.Invoke(frame);
                else
                    ParallelFor.Run(frames, ref compaction);
                entries = 0;
                int startsPerFrame = SparseInputPlaneCompaction.StartsPerFrame(pixels, blocks);
                for (int frame = 0; frame < frames; frame++) entries += ((int*)starts)[(long)frame * startsPerFrame + startsPerFrame - 1];
                long keptValues = (long)g.Batch * (mask?.KeptFrames.Length ?? g.Input.T) * keptChannels * pixels;
                double density = keptValues == 0 ? 0 : (double)entries / keptValues;
                if (gate is { } limit && !(density < limit.DensityLimit))
                {
                    work = default;
                    return false;
                }
                var planes = new SparseInputPlanes
                {
                    Geometry = g, RowTemplate = rowTemplate, Output = y, Values = (float*)values, Offsets = (int*)offsets,
                    Starts = (int*)starts, Weights = weights, FrameKept = frameKept, FrameReach = frameReach, KeptChannels = keptChannels,
                    FrameCapacity = frameCapacity, Tallies = tallies, Pool = pool, Pooled = pooled,
                    Blocks = blocks, GroupBlocks = SparseInputPlanes.GroupBlocksOf(blocks, density * keptChannels / blocks),
                };
                SimdDispatch.Run(ref planes);
            }
            work = Counted(g, mask, keptChannels, tallies);
            return true;
        }
        finally
        {
            NativeBufferPool.Return(values, valuesCapacity);
            NativeBufferPool.Return(offsets, offsetsCapacity);
            NativeBufferPool.Return(starts, startsCapacity);
            NativeBufferPool.Return(tables, tablesCapacity);
        }
    }

    /// <summary>The work of a call from its tallies: the kept input read once by the compaction, entries of 8 bytes, weights, every output written once.</summary>
    private static ConvWorkCounters Counted(in Conv3dGeometry g, Conv3dInputMask? mask, int keptChannels, long* tallies)
    {
        long keptFrames = mask?.KeptFrames.Length ?? g.Input.T;
        return new ConvWorkCounters
        {
            Macs = tallies[SparseInputAccumulation.MacTally],
            ActivationBytesRead = g.Batch * keptFrames * g.Input.H * g.Input.W * keptChannels * sizeof(float)
                + tallies[SparseInputAccumulation.EntryTally] * sizeof(SparseEntry),
            WeightBytesRead = tallies[SparseInputAccumulation.WeightTally] * sizeof(float),
            OutputBytesWritten = (long)g.OutputLength * sizeof(float),
        };
    }

    /// <summary>The row form (see <see cref="SparseInputRows{TOps, TVec}"/>): per-line compaction, then one output row per parallel iteration.</summary>
    private static void ForwardRows(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, out ConvWorkCounters work)
    {
        int lines = g.Batch * g.Input.T * g.Input.H;
        int keptChannels = mask?.KeptChannels.Length ?? g.InChannels;
        var width = SimdDispatch.Width;
        int channelBlock = SparseInputAccumulation.ChannelBlockOf(g, keptChannels, width);
        int blocks = Math.Max(1, (keptChannels + channelBlock - 1) / channelBlock);
        int rowStride = SparseInputWeights.PaddedOutChannels(g.OutChannels);
        long slotCount = (long)lines * g.Input.W * keptChannels;
        var (slots, slotsCapacity) = NativeBufferPool.Rent(checked((int)Math.Max(1, slotCount * (sizeof(SparseEntry) / sizeof(float)))));
        var (starts, startsCapacity) = NativeBufferPool.Rent(checked(lines * blocks * (g.Input.W + 1)));
        var (flags, flagsCapacity) = NativeBufferPool.Rent(g.Input.T / sizeof(float) + 1);
        nint packed = 0;
        int packedCapacity = 0;
        try
        {
            byte* frameKept = (byte*)flags;
            new Span<byte>(frameKept, g.Input.T).Fill(mask is null ? (byte)1 : (byte)0);
            if (mask is not null) foreach (int t in mask.KeptFrames) frameKept[t] = 1;
            long* tallies = stackalloc long[SparseInputAccumulation.TallyCount];
            fixed (float* x = input, w = weight, b = bias, y = output)
            fixed (int* channels = mask?.KeptChannels)
            {
                var weights = new SparseInputWeights
                {
                    Source = w, Data = w, Channels = mask is null ? null : channels, Rows = g.InChannels, RowStride = g.OutChannels,
                    InChannels = g.InChannels, OutChannels = g.OutChannels,
                };
                if (!SparseInputWeights.InPlace(w, g.OutChannels))
                {
                    (packed, packedCapacity) = NativeBufferPool.Rent(checked((int)Math.Max(1, g.Kernel.Volume * keptChannels * rowStride)));
                    weights.Data = (float*)packed;
                    weights.Rows = keptChannels;
                    weights.RowStride = rowStride;
                    ParallelFor.Run((int)g.Kernel.Volume, ref weights);
                }
                // The gather form reads one run per output pixel when its kw taps are adjacent (dilation 1) and offsets
                // iw * kwStride fit an int; the scatter form wants plain row offsets.
                long kwStride = (long)weights.Rows * weights.RowStride;
                bool window = SparseInputAccumulation.UsesWindow(g);
                bool merged = !window && g.Dilation.W == 1 && (long)g.Input.W * kwStride + kwStride <= int.MaxValue;
                var compaction = new SparseInputCompaction
                {
                    Input = x, Slots = (SparseEntry*)slots, Starts = (int*)starts, FrameKept = frameKept, Channels = mask is null ? null : channels,
                    KeptChannels = keptChannels, ChannelBlock = channelBlock, Blocks = blocks,
                    Width = g.Input.W, Height = g.Input.H, Frames = g.Input.T, InChannels = g.InChannels,
                    Weights = weights, PixelStride = merged ? (int)kwStride : 0,
                };
                // A small input compacts in microseconds: waking a second thread would cost more than it saves.
                if (g.InputLength < SerialCompactionElements)
                    for (int line = 0; line < lines; line++) compaction.Invoke(line);
                else
                    ParallelFor.Run(lines, ref compaction);
                var gather = new SparseInputAccumulation
                {
                    Geometry = g, Bias = bias.IsEmpty ? null : b, Output = y, Weights = weights, Slots = (SparseEntry*)slots, Starts = (int*)starts,
                    KeptChannels = keptChannels, ChannelBlock = channelBlock, Blocks = blocks, FrameKept = frameKept, Tallies = tallies, MergedTaps = merged,
                    Window = window, MaxPassVectors = SparseInputAccumulation.PassVectors(g, width),
                };
                SimdDispatch.Run(ref gather);
            }
            work = Counted(g, mask, keptChannels, tallies);
        }
        finally
        {
            NativeBufferPool.Return(slots, slotsCapacity);
            NativeBufferPool.Return(starts, startsCapacity);
            NativeBufferPool.Return(flags, flagsCapacity);
            NativeBufferPool.Return(packed, packedCapacity);
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
}
