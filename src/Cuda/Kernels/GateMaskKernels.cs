using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// Host side of cuda-kernels/gate_masks.ptx for one clip's gate input [T, P, C]: the threshold decisions of the CPU
/// plan's GatedConvStep (kept frames, kept channels, feature threshold) made on the device from gate_statistics'
/// partial sums, and the masking pass (GatePasses.Masking) that zeroes what the gate drops and counts the survivors.
/// </summary>
internal static class GateMaskKernels
{
    public const string Module = "gate_masks";

    /// <summary>Bytes of gate_thresholds' static shared scratch (channel sums and scores, folded sums, frame scores).</summary>
    public const int ThresholdScratchBytes = 40960;

    private const uint ThresholdBlockThreads = 256;
    private const uint MaskBlockThreads = 256;
    // Elements per thread the masking grid aims for: enough work per thread to amortise its atomics.
    private const int MaskElementsPerThread = 4;

    /// <summary>
    /// Decides the gate from <paramref name="partialSums"/> ([S, T, C], <see cref="GateStatisticsKernels.Statistics"/>) and
    /// the gate's multipliers (three floats kF, kC, kE at <paramref name="multipliers"/>). Writes the kept-frame list
    /// (u32 [T]), kept-channel list (u32 [C]), channel bits (u32 [C]) and the <see cref="GateDecision"/> block with
    /// zeroed counters.
    /// </summary>
    /// <exception cref="ArgumentException">A pointer is null, or the clip's channels and frames need more than
    /// <see cref="ThresholdScratchBytes"/> bytes of scratch.</exception>
    public static KernelLaunch<GateThresholdsArguments> Thresholds(ClipExtent clip, ulong partialSums, ulong multipliers,
        ulong keptFrames, ulong keptChannels, ulong channelBits, ulong decision)
    {
        long scratch = 12L * clip.Channels + 4L * clip.Frames * clip.Channels + 8L * clip.Frames;
        if (scratch > ThresholdScratchBytes)
            throw new ArgumentException($"A gate over {clip.Frames} frames and {clip.Channels} channels needs {scratch} bytes of threshold scratch; "
                + $"gate_thresholds has {ThresholdScratchBytes}.", nameof(clip));
        var args = new GateThresholdsArguments(
            KernelArguments.Pointer(partialSums, nameof(partialSums)), KernelArguments.Pointer(multipliers, nameof(multipliers)),
            KernelArguments.Pointer(keptFrames, nameof(keptFrames)), KernelArguments.Pointer(keptChannels, nameof(keptChannels)),
            KernelArguments.Pointer(channelBits, nameof(channelBits)), KernelArguments.Pointer(decision, nameof(decision)), clip);
        return new(Module, "gate_thresholds", new LaunchShape(new Dim3(1), new Dim3(ThresholdBlockThreads)), args);
    }

    /// <summary>
    /// Masks the kept frames of <paramref name="input"/> into <paramref name="output"/> (which may be the input) and adds
    /// the survivors and their reach to the decision block. <paramref name="pixelFan"/>: u32 [P], FanH[h] * FanW[w] at
    /// h W + w (<see cref="PixelFan"/>); <paramref name="frameFan"/>: u32 [T], FanT.
    /// </summary>
    /// <exception cref="ArgumentException">A pointer is null.</exception>
    public static KernelLaunch<GateMaskArguments> Mask(ClipExtent clip, ulong input, ulong output, ulong keptFrames, ulong channelBits,
        ulong pixelFan, ulong frameFan, ulong decision)
    {
        var args = new GateMaskArguments(
            KernelArguments.Pointer(input, nameof(input)), KernelArguments.Pointer(output, nameof(output)),
            KernelArguments.Pointer(keptFrames, nameof(keptFrames)), KernelArguments.Pointer(channelBits, nameof(channelBits)),
            KernelArguments.Pointer(pixelFan, nameof(pixelFan)), KernelArguments.Pointer(frameFan, nameof(frameFan)),
            KernelArguments.Pointer(decision, nameof(decision)), (uint)clip.Pixels, (uint)clip.Channels);
        long frameElements = (long)clip.Pixels * clip.Channels;
        long perBlock = MaskBlockThreads * MaskElementsPerThread;
        var grid = new Dim3((uint)Math.Min((frameElements + perBlock - 1) / perBlock, 65535), (uint)clip.Frames);
        return new(Module, "gate_mask", new LaunchShape(grid, new Dim3(MaskBlockThreads)), args);
    }

    /// <summary>
    /// The per-pixel fan gate_mask weighs survivors with: FanH[h] * FanW[w] at h * W + w, as the CPU plan's GatedConvStep
    /// builds it (the fans are whole numbers of (tap, output) pairs stored as floats).
    /// </summary>
    /// <exception cref="ArgumentException">A fan is empty, or a product is negative or not a whole number.</exception>
    public static uint[] PixelFan(ReadOnlySpan<float> fanH, ReadOnlySpan<float> fanW)
    {
        if (fanH.IsEmpty || fanW.IsEmpty)
            throw new ArgumentException($"Pixel fans need both axes; got {fanH.Length} heights and {fanW.Length} widths.");
        var fan = new uint[fanH.Length * fanW.Length];
        for (int h = 0; h < fanH.Length; h++)
        for (int w = 0; w < fanW.Length; w++)
            fan[h * fanW.Length + w] = WholeFan(fanH[h] * fanW[w], $"h={h}, w={w}");
        return fan;
    }

    /// <summary>The per-frame fan gate_mask weighs survivors with: FanT as u32.</summary>
    /// <exception cref="ArgumentException">The fan is empty, or a value is negative or not a whole number.</exception>
    public static uint[] FrameFan(ReadOnlySpan<float> fanT)
    {
        if (fanT.IsEmpty) throw new ArgumentException("The frame fan is empty.", nameof(fanT));
        var fan = new uint[fanT.Length];
        for (int t = 0; t < fanT.Length; t++) fan[t] = WholeFan(fanT[t], $"t={t}");
        return fan;
    }

    private static uint WholeFan(float value, string at) =>
        value >= 0 && value <= uint.MaxValue && value == MathF.Floor(value)
            ? (uint)value
            : throw new ArgumentException($"The fan at {at} is {value}, not a non-negative whole number.");
}

/// <summary>
/// The 32-byte decision block of one gate on the device: gate_thresholds writes the counts and the feature threshold
/// and zeroes the counters, gate_mask adds to the counters.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GateDecision
{
    public readonly uint KeptFrames;
    public readonly uint KeptChannels;
    /// <summary>kE * the mean of the kept frames and channels (0 when no channel is kept).</summary>
    public readonly float FeatureThreshold;
    public readonly uint Reserved;
    /// <summary>Surviving features over the kept frames (kept channel, positive, at or above the threshold).</summary>
    public readonly ulong KeptFeatures;
    /// <summary>Sum over the survivors of FanT[t] * FanH[h] * FanW[w]; times the output channels it is GateCounts' reach.</summary>
    public readonly ulong Reach;
}

/// <summary>The parameters of gate_thresholds, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GateThresholdsArguments(ulong partialSums, ulong multipliers, ulong keptFrames, ulong keptChannels, ulong channelBits,
    ulong decision, ClipExtent clip)
{
    public readonly ulong PartialSums = partialSums, Multipliers = multipliers, KeptFrames = keptFrames, KeptChannels = keptChannels,
        ChannelBits = channelBits, Decision = decision;
    public readonly uint Frames = (uint)clip.Frames, Pixels = (uint)clip.Pixels, Channels = (uint)clip.Channels, Slices = (uint)clip.Slices;
}

/// <summary>The parameters of gate_mask, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GateMaskArguments(ulong input, ulong output, ulong keptFrames, ulong channelBits, ulong pixelFan, ulong frameFan,
    ulong decision, uint pixels, uint channels)
{
    public readonly ulong Input = input, Output = output, KeptFrames = keptFrames, ChannelBits = channelBits, PixelFan = pixelFan,
        FrameFan = frameFan, Decision = decision;
    public readonly uint Pixels = pixels, Channels = channels;
}
