using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// The work of a gated convolution computed from its masks alone, independently of the kernels: what MAC-budget
/// accounting charges and what tests hold the kernels' own <see cref="ConvWorkCounters"/> to. Counted from the
/// input's side: each kept input element reaches (taps x output pixels) = rT(t) * rH(h) * rW(w) output pixels, with
/// r along each axis the number of (kernel offset, output position) pairs that land on that input position.
/// </summary>
public static class GatedConvCost
{
    /// <summary>
    /// Work of <see cref="SparseInputConv3d"/>'s Forward: every non-zero kept input element times every output pixel it
    /// reaches times Cout multiply-adds; the kept input elements read once by the compaction; every output written once
    /// (summed in a scratch row or plane in the cache). Entries are (weight offset, value) pairs of 8 bytes. In the
    /// plane form (3 x 3 spatial window, stride 1, AVX-512 or AVX2): per output frame, pass over Cout and temporal tap on a
    /// kept input frame with non-zeros, every entry of that frame once (each line feeds three output rows at once), and
    /// the 9 x kept channels x Cout weights of that tap once (they stay in the cache while the frame's lines sweep
    /// them). In the row form: per output row, tap row and block of kept channels with non-zeros on the input line that
    /// tap row reads, the line's entries of that block once per pass over Cout (the gather form re-reads neighbouring
    /// pixels' entries from the L1 cache), and the block's kW x channels x Cout weights once. A copy of the weights
    /// into the layout the kernel reads, when the call needs one, is not counted.
    /// </summary>
    /// <exception cref="ArgumentException">The input's length does not match the geometry, or the mask does not fit it.</exception>
    public static ConvWorkCounters SparseInput(in Conv3dGeometry g, Conv3dInputMask? mask, ReadOnlySpan<float> input) =>
        SparseInput(g, mask, input, SimdDispatch.Width);

    /// <summary>
    /// Work of the dense path of <see cref="GatedConv3d"/> (the engine's masked conv, zeros multiplied like any value):
    /// every kept input element times every output pixel it reaches times Cout multiply-adds; each kept input element,
    /// each kept weight and each output touched once. The dense kernel is not instrumented; these are the figures of
    /// the compacted problem it solves.
    /// </summary>
    /// <exception cref="ArgumentException">The mask does not fit the geometry.</exception>
    public static ConvWorkCounters DenseCompacted(in Conv3dGeometry g, Conv3dInputMask? mask)
    {
        mask?.RequireFits(g);
        long keptChannels = mask?.KeptChannels.Length ?? g.InChannels;
        long reachFrames = 0, keptFrames = 0, reachLines = 0, reachColumns = 0;
        for (int t = 0; t < g.Input.T; t++)
        {
            if (!Kept(mask, t)) continue;
            reachFrames += Reach(t, g.Output.T, g.Kernel.T, g.Stride.T, g.Padding.T, g.Dilation.T);
            keptFrames++;
        }
        for (int h = 0; h < g.Input.H; h++) reachLines += Reach(h, g.Output.H, g.Kernel.H, g.Stride.H, g.Padding.H, g.Dilation.H);
        for (int w = 0; w < g.Input.W; w++) reachColumns += Reach(w, g.Output.W, g.Kernel.W, g.Stride.W, g.Padding.W, g.Dilation.W);
        long macs = g.Batch * reachFrames * reachLines * reachColumns * keptChannels * g.OutChannels;
        return new ConvWorkCounters
        {
            Macs = macs,
            ActivationBytesRead = g.Batch * keptFrames * g.Input.H * g.Input.W * keptChannels * sizeof(float),
            WeightBytesRead = keptFrames == 0 ? 0 : g.Kernel.Volume * keptChannels * g.OutChannels * sizeof(float),
            OutputBytesWritten = (long)g.OutputLength * sizeof(float),
        };
    }

    /// <summary><see cref="SparseInput(in Conv3dGeometry, Conv3dInputMask?, ReadOnlySpan{float})"/> for a kernel running at <paramref name="width"/>.</summary>
    internal static ConvWorkCounters SparseInput(in Conv3dGeometry g, Conv3dInputMask? mask, ReadOnlySpan<float> input, SimdWidth width)
    {
        if (input.Length != g.InputLength) g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        mask?.RequireFits(g);
        long[] reachT = AxisReach(g.Input.T, g.Output.T, g.Kernel.T, g.Stride.T, g.Padding.T, g.Dilation.T);
        long[] reachH = AxisReach(g.Input.H, g.Output.H, g.Kernel.H, g.Stride.H, g.Padding.H, g.Dilation.H);
        long[] reachW = AxisReach(g.Input.W, g.Output.W, g.Kernel.W, g.Stride.W, g.Padding.W, g.Dilation.W);
        var channels = mask?.KeptChannels ?? Enumerable.Range(0, g.InChannels).ToArray();
        bool planes = SparseInputPlanes.Applies(g, width);
        int block = planes ? channels.Length : SparseInputAccumulation.ChannelBlockOf(g, channels.Length, width);
        long passes = planes ? SparseInputPlaneWeights.PassesOf(g.OutChannels, SparseInputPlaneWeights.PassLanesOf(g.OutChannels, width)) : SparseInputAccumulation.CoutPasses(g, width);
        long reachedNonZeros = 0, keptElements = 0, entriesRead = 0, weightsRead = 0;
        for (int n = 0; n < g.Batch; n++)
        for (int t = 0; t < g.Input.T; t++)
        {
            if (!Kept(mask, t)) continue;
            long frameNonZeros = 0;
            for (int h = 0; h < g.Input.H; h++)
            {
                // The plane form reads each line once per (output frame, temporal tap), for all three of its rows.
                long lineReads = planes ? reachT[t] : reachT[t] * reachH[h];
                for (int first = 0; first < channels.Length; first += block)
                {
                    int end = Math.Min(first + block, channels.Length);
                    long blockNonZeros = 0;
                    for (int w = 0; w < g.Input.W; w++)
                    {
                        int pixel = (((n * g.Input.T + t) * g.Input.H + h) * g.Input.W + w) * g.InChannels;
                        long nonZeros = 0;
                        for (int j = first; j < end; j++) nonZeros += input[pixel + channels[j]] != 0f ? 1 : 0;
                        reachedNonZeros += nonZeros * reachT[t] * reachH[h] * reachW[w];
                        blockNonZeros += nonZeros;
                    }
                    keptElements += (long)g.Input.W * (end - first);
                    entriesRead += blockNonZeros * lineReads * passes;
                    frameNonZeros += blockNonZeros;
                    if (!planes && blockNonZeros > 0) weightsRead += lineReads * g.Kernel.W * (end - first) * g.OutChannels;
                }
            }
            if (planes && frameNonZeros > 0) weightsRead += reachT[t] * SparseInputPlaneWeights.Taps * channels.Length * g.OutChannels;
        }
        long macs = reachedNonZeros * g.OutChannels;
        return new ConvWorkCounters
        {
            Macs = macs,
            ActivationBytesRead = keptElements * sizeof(float) + entriesRead * 8L,
            WeightBytesRead = weightsRead * sizeof(float),
            OutputBytesWritten = (long)g.OutputLength * sizeof(float),
        };
    }

    /// <summary>Floats per vector at a SIMD width.</summary>
    internal static int LanesOf(SimdWidth width) => width switch
    {
        SimdWidth.Vector512 => 16,
        SimdWidth.Vector256 => 8,
        SimdWidth.Vector128 => 4,
        _ => 1,
    };

    private static bool Kept(Conv3dInputMask? mask, int frame) => mask is null || Array.BinarySearch(mask.KeptFrames, frame) >= 0;

    private static long[] AxisReach(int size, int outputs, int kernel, int stride, int padding, int dilation)
    {
        var reach = new long[size];
        for (int i = 0; i < size; i++) reach[i] = Reach(i, outputs, kernel, stride, padding, dilation);
        return reach;
    }

    /// <summary>Along one axis, the (kernel offset k, output position o) pairs with o * stride - padding + k * dilation = position.</summary>
    private static int Reach(int position, int outputs, int kernel, int stride, int padding, int dilation)
    {
        int pairs = 0;
        for (int k = 0; k < kernel; k++)
        {
            int scaled = position + padding - k * dilation;
            if (scaled >= 0 && scaled % stride == 0 && scaled / stride < outputs) pairs++;
        }
        return pairs;
    }
}
