using System.Numerics;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Ops;

namespace NativeDance.Tensors.Conv;

/// <summary>Which kernel a <see cref="GatedConv3d"/> call ran.</summary>
public enum GatedConvPath
{
    /// <summary>The engine's masked conv: kept frames and channels compacted, zero activations multiplied like any value.</summary>
    DenseCompacted,

    /// <summary><see cref="SparseInputConv3d"/>: zero activations skipped as well.</summary>
    SparseInput,
}

/// <summary>
/// A convolution under all three DANCE masks: kept frames and channels (<see cref="Conv3dInputMask"/>) and features
/// (the input's zeros: the feature threshold is applied where the activations are produced, e.g. fused into the
/// previous layer's ReLU). Runs the dense-compacted conv or the sparse-input conv, whichever is faster at the input's
/// density according to the measured crossover of <see cref="GatedConv3dCrossover"/>; both compute the dense conv of
/// the masked input.
/// </summary>
public static unsafe class GatedConv3d
{
    /// <summary>
    /// output = conv(masked input, weight) + bias. <paramref name="nonZeroFraction"/> is the share of non-zero values
    /// among the kept frames and channels when the caller knows it (the producer of the activations counts them for
    /// free); otherwise it is counted here, one pass over the kept input. The first call for a geometry without a
    /// crossover set measures one (see <see cref="GatedConv3dCrossover.Get(in Conv3dGeometry)"/>; weights on a 64-byte
    /// boundary skip a copy, which favours the sparse kernel); later calls allocate nothing on the managed heap. <paramref name="work"/> receives the work done: counted by the sparse kernel, or
    /// <see cref="GatedConvCost.DenseCompacted"/> for the dense one.
    /// </summary>
    /// <returns>The path that ran.</returns>
    /// <exception cref="ArgumentException">Groups are not 1, a buffer's length does not match the geometry, the mask
    /// does not fit it, or <paramref name="nonZeroFraction"/> is outside [0, 1].</exception>
    /// <example><code>var path = GatedConv3d.Forward(g, relu, weight, bias, output, mask, out var work);</code></example>
    public static GatedConvPath Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask, out ConvWorkCounters work, double? nonZeroFraction = null)
    {
        SparseInputConv3d.Validate(g, input, weight, bias, output, mask);
        if (nonZeroFraction is { } given && !(given >= 0 && given <= 1))
            throw new ArgumentException($"The non-zero fraction must lie in [0, 1], got {given}.", nameof(nonZeroFraction));
        double density = nonZeroFraction ?? NonZeroFraction(g, input, mask);
        // The plane form copies per-call weights into its layout on every call; the row form only misaligned ones.
        bool weightsInPlace;
        fixed (float* w = weight) weightsInPlace = !SparseInputPlanes.Applies(g, SimdDispatch.Width) && SparseInputWeights.InPlace(w, g.OutChannels);
        if (density < GatedConv3dCrossover.Get(g, weightsInPlace))
        {
            SparseInputConv3d.Forward(g, input, weight, bias, output, mask, out work);
            return GatedConvPath.SparseInput;
        }
        Conv3d.Forward(g, input, weight, bias, output, mask);
        work = GatedConvCost.DenseCompacted(g, mask);
        return GatedConvPath.DenseCompacted;
    }

    /// <summary>
    /// <see cref="Forward(in Conv3dGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Conv3dInputMask?, out ConvWorkCounters, double?)"/>
    /// with weights and bias prepared once (<see cref="GatedConv3dWeights"/>): no call copies them, and the crossover
    /// is the one measured with prepared weights.
    /// </summary>
    /// <returns>The path that ran.</returns>
    /// <exception cref="ArgumentException">The weights were prepared for another geometry, a buffer's length does not
    /// match the geometry, the mask does not fit it, or <paramref name="nonZeroFraction"/> is outside [0, 1].</exception>
    public static GatedConvPath Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, GatedConv3dWeights weights, Span<float> output,
        Conv3dInputMask? mask, out ConvWorkCounters work, double? nonZeroFraction = null)
    {
        weights.RequireGeometry(g);
        SparseInputConv3d.Validate(g, input, weights.Weight, weights.Bias, output, mask);
        if (nonZeroFraction is { } given && !(given >= 0 && given <= 1))
            throw new ArgumentException($"The non-zero fraction must lie in [0, 1], got {given}.", nameof(nonZeroFraction));
        double density = nonZeroFraction ?? NonZeroFraction(g, input, mask);
        if (density < GatedConv3dCrossover.Get(g, weightsInPlace: true))
        {
            SparseInputConv3d.Forward(g, input, weights, output, mask, out work);
            return GatedConvPath.SparseInput;
        }
        Conv3d.Forward(g, input, weights.Weight, weights.Bias, output, mask);
        work = GatedConvCost.DenseCompacted(g, mask);
        return GatedConvPath.DenseCompacted;
    }

    /// <summary>
    /// The prepared-weights <see cref="Forward(in Conv3dGeometry, ReadOnlySpan{float}, GatedConv3dWeights, Span{float}, Conv3dInputMask?, out ConvWorkCounters, double?)"/>
    /// followed by the max pool <paramref name="pool"/> over its output: pooled = maxpool(conv(masked input)). Where the
    /// sparse kernel runs and can fuse the pool (its plane form, Cout a multiple of 16, windows tiling the output:
    /// kernel = stride, no padding), the pool happens in its copy-out and <paramref name="output"/> is not written, which
    /// saves writing and re-reading the conv's output; otherwise the conv writes <paramref name="output"/> and the
    /// engine's pool reads it. Afterwards <paramref name="output"/> holds no defined values. <paramref name="work"/>
    /// counts what the conv wrote: the pooled output when fused.
    /// </summary>
    /// <returns>The path that ran.</returns>
    /// <exception cref="ArgumentException">As the unpooled forward, or the pool is not over the conv's output, or
    /// <paramref name="pooled"/> does not match the pool; the message names the values.</exception>
    public static GatedConvPath Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, GatedConv3dWeights weights, Span<float> output,
        in Pool3dGeometry pool, Span<float> pooled, Conv3dInputMask? mask, out ConvWorkCounters work, double? nonZeroFraction = null)
    {
        RequirePool(g, pool, pooled);
        weights.RequireGeometry(g);
        SparseInputConv3d.Validate(g, input, weights.Weight, weights.Bias, output, mask);
        if (nonZeroFraction is { } given && !(given >= 0 && given <= 1))
            throw new ArgumentException($"The non-zero fraction must lie in [0, 1], got {given}.", nameof(nonZeroFraction));
        double density = nonZeroFraction ?? NonZeroFraction(g, input, mask);
        if (density < GatedConv3dCrossover.Get(g, weightsInPlace: true) && SparseInputConv3d.FusesPool(g, pool))
        {
            SparseInputConv3d.ForwardPooled(g, input, weights, pool, pooled, mask, out work);
            return GatedConvPath.SparseInput;
        }
        var path = Forward(g, input, weights, output, mask, out work, density);
        MaxPool3d.Forward(pool, output, pooled);
        return path;
    }

    /// <summary>
    /// The prepared-weights forward with DANCE's feature mask fused in: output = conv(F(input)) + bias, where F keeps the
    /// values of <paramref name="mask"/>'s kept frames and channels that are positive and at least
    /// <paramref name="featureThreshold"/> and zeroes the rest. Where the plane form of the sparse kernel runs, its
    /// compaction applies F as it gathers the entries, so the masked input is never written and read back; it counts
    /// them on the way, and runs the sparse kernel when their density lies below the measured crossover. Returns false,
    /// having written nothing, when the plane form does not run here or the density calls for the dense kernel: the
    /// caller then writes the masked input and calls <see cref="Forward(in Conv3dGeometry, ReadOnlySpan{float}, GatedConv3dWeights, Span{float}, Conv3dInputMask?, out ConvWorkCounters, double?)"/>.
    /// <paramref name="keptValues"/>: the values F kept; <paramref name="work"/>'s MACs are those values times the output
    /// positions each reaches times Cout, METHOD's executed MACs.
    /// </summary>
    /// <returns>Whether the sparse kernel ran.</returns>
    /// <exception cref="ArgumentException">As <see cref="Forward(in Conv3dGeometry, ReadOnlySpan{float}, GatedConv3dWeights, Span{float}, Conv3dInputMask?, out ConvWorkCounters, double?)"/>.</exception>
    public static bool TryForwardFeatureMasked(in Conv3dGeometry g, ReadOnlySpan<float> input, float featureThreshold, GatedConv3dWeights weights,
        Span<float> output, Conv3dInputMask mask, out ConvWorkCounters work, out long keptValues)
    {
        ArgumentNullException.ThrowIfNull(mask);
        weights.RequireGeometry(g);
        SparseInputConv3d.Validate(g, input, weights.Weight, weights.Bias, output, mask);
        (work, keptValues) = (default, 0);
        return SparseInputPlanes.Applies(g, SimdDispatch.Width)
            && SparseInputConv3d.TryForwardThresholded(g, input, featureThreshold, GatedConv3dCrossover.Get(g, weightsInPlace: true), weights, output,
                default, default, mask, out work, out keptValues);
    }

    /// <summary>
    /// <see cref="TryForwardFeatureMasked(in Conv3dGeometry, ReadOnlySpan{float}, float, GatedConv3dWeights, Span{float}, Conv3dInputMask, out ConvWorkCounters, out long)"/>
    /// followed by the max pool <paramref name="pool"/>, fused into the sparse kernel's copy-out as in the pooled
    /// <see cref="Forward(in Conv3dGeometry, ReadOnlySpan{float}, GatedConv3dWeights, Span{float}, in Pool3dGeometry, Span{float}, Conv3dInputMask?, out ConvWorkCounters, double?)"/>:
    /// only <paramref name="pooled"/> is written. Returns false, having written nothing, also where the pool cannot be fused.
    /// </summary>
    /// <returns>Whether the sparse kernel ran.</returns>
    /// <exception cref="ArgumentException">As the pooled forward.</exception>
    public static bool TryForwardFeatureMasked(in Conv3dGeometry g, ReadOnlySpan<float> input, float featureThreshold, GatedConv3dWeights weights,
        Span<float> output, in Pool3dGeometry pool, Span<float> pooled, Conv3dInputMask mask, out ConvWorkCounters work, out long keptValues)
    {
        ArgumentNullException.ThrowIfNull(mask);
        RequirePool(g, pool, pooled);
        weights.RequireGeometry(g);
        SparseInputConv3d.Validate(g, input, weights.Weight, weights.Bias, output, mask);
        (work, keptValues) = (default, 0);
        return SparseInputConv3d.FusesPool(g, pool)
            && SparseInputConv3d.TryForwardThresholded(g, input, featureThreshold, GatedConv3dCrossover.Get(g, weightsInPlace: true), weights, default,
                pool.Kernel, pooled, mask, out work, out keptValues);
    }

    private static void RequirePool(in Conv3dGeometry g, in Pool3dGeometry pool, Span<float> pooled)
    {
        if (pool.Batch != g.Batch || pool.Channels != g.OutChannels || pool.Input != g.Output)
            throw new ArgumentException($"The pool over {pool.InputShape} does not take the output {g.OutputShape} of conv {g}.", nameof(pool));
        if (pooled.Length != pool.OutputLength)
            throw new ArgumentException($"The pooled output has {pooled.Length} values; pool {pool.OutputShape} needs {pool.OutputLength}.", nameof(pooled));
    }

    /// <summary>The share of non-zero values among the kept frames and channels of the input (0 when nothing is kept).</summary>
    /// <exception cref="ArgumentException">The input's length does not match the geometry, or the mask does not fit it.</exception>
    public static double NonZeroFraction(in Conv3dGeometry g, ReadOnlySpan<float> input, Conv3dInputMask? mask)
    {
        if (input.Length != g.InputLength) g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        mask?.RequireFits(g);
        int frame = g.Input.H * g.Input.W * g.InChannels;
        int[]? channels = mask?.KeptChannels.Length < g.InChannels ? mask.KeptChannels : null;
        // Per channel, -1 when kept: a pixel's vectors of channels are counted under it (stack, so nothing is allocated).
        Span<int> kept = channels is null ? default : stackalloc int[g.InChannels];
        if (channels is not null) foreach (int c in channels) kept[c] = -1;
        long nonZeros = 0, keptValues = 0;
        for (int n = 0; n < g.Batch; n++)
        for (int t = 0; t < g.Input.T; t++)
        {
            if (mask is not null && Array.BinarySearch(mask.KeptFrames, t) < 0) continue;
            var values = input.Slice((n * g.Input.T + t) * frame, frame);
            nonZeros += channels is null ? CountNonZero(values) : CountKeptNonZero(values, kept);
            keptValues += channels is null ? frame : (long)channels.Length * g.Input.H * g.Input.W;
        }
        return keptValues == 0 ? 0 : (double)nonZeros / keptValues;
    }

    /// <summary>Non-zeros among the channels flagged -1 in <paramref name="kept"/>, over channels-last pixels of kept.Length channels.</summary>
    private static long CountKeptNonZero(ReadOnlySpan<float> values, ReadOnlySpan<int> kept)
    {
        int lanes = Vector<float>.Count, vectorChannels = kept.Length / lanes * lanes;
        // Lanes that are kept and non-zero hold -1, so the lane sums count them negatively.
        var counts = Vector<int>.Zero;
        long count = 0;
        for (int p = 0; p < values.Length; p += kept.Length)
        {
            for (int c = 0; c < vectorChannels; c += lanes)
                counts += Vector.AndNot(new Vector<int>(kept.Slice(c)), Vector.Equals(new Vector<float>(values.Slice(p + c)), Vector<float>.Zero));
            for (int c = vectorChannels; c < kept.Length; c++) count += kept[c] != 0 && values[p + c] != 0f ? 1 : 0;
        }
        return count - Vector.Sum(counts);
    }

    private static long CountNonZero(ReadOnlySpan<float> values)
    {
        // Equals yields -1 per zero lane, so the lane sums count zeros negatively.
        var zeros = Vector<int>.Zero;
        int i = 0;
        for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            zeros += Vector.Equals(new Vector<float>(values.Slice(i)), Vector<float>.Zero);
        long count = i + Vector.Sum(zeros);
        for (; i < values.Length; i++) count += values[i] != 0f ? 1 : 0;
        return count;
    }
}
