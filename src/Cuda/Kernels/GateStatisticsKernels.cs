using System.Runtime.InteropServices;

namespace NativeDance.Cuda.Kernels;

/// <summary>
/// Host side of cuda-kernels/gate_statistics.ptx for one clip [T, P, C] (channels-last, P = H * W): a gate's per-frame,
/// per-channel sums (GatePasses.Statistics) and the controller's raw features of A_1 (ControllerFeatures.Compute).
/// Pixels are split into slices of <see cref="PixelsPerSlice"/>; each slice writes partial sums that the consumer folds.
/// </summary>
internal static class GateStatisticsKernels
{
    public const string Module = "gate_statistics";

    /// <summary>Pixels one block of a statistics pass covers (grid z counts the slices).</summary>
    public const int PixelsPerSlice = 256;

    /// <summary>Most frames x channels of A_1 that controller_features holds folded in shared memory.</summary>
    public const int MaxControllerFrameChannels = 2048;

    private static readonly Dim3 StatisticsBlock = new(32, 8);
    private const uint FeaturesBlockThreads = 256;

    /// <summary>Slices a frame of <paramref name="pixels"/> pixels is split into.</summary>
    public static int Slices(int pixels) => (pixels + PixelsPerSlice - 1) / PixelsPerSlice;

    /// <summary>
    /// partial [S, T, C] = per slice, frame and channel the sum of x (after ReLU when <paramref name="rectify"/>, which
    /// <paramref name="writeBack"/> also stores into x).
    /// </summary>
    /// <exception cref="ArgumentException">A pointer is null, or <paramref name="writeBack"/> is asked without <paramref name="rectify"/>.</exception>
    public static KernelLaunch<GateStatisticsArguments> Statistics(ClipExtent clip, bool rectify, bool writeBack, ulong input, ulong partialSums)
    {
        if (writeBack && !rectify)
            throw new ArgumentException("Writing the rectified input back needs rectify = true.", nameof(writeBack));
        var args = new GateStatisticsArguments(KernelArguments.Pointer(input, nameof(input)), KernelArguments.Pointer(partialSums, nameof(partialSums)),
            (uint)clip.Pixels, (uint)clip.Channels, rectify ? 1u : 0u, writeBack ? 1u : 0u);
        return new(Module, "gate_statistics", new LaunchShape(clip.StatisticsGrid(), StatisticsBlock), args);
    }

    /// <summary>
    /// partials [4][S, T, C] = per slice, frame and channel of max(A_1, 0): sums, sums of squares, |v[t] - v[t - 1]| sums,
    /// and (plane 3, u32) counts of values at or below 1e-3 (ControllerFeatures.NearZero).
    /// </summary>
    /// <exception cref="ArgumentException">A pointer is null.</exception>
    public static KernelLaunch<ControllerStatisticsArguments> ControllerFrameStatistics(ClipExtent clip, ulong firstActivation, ulong partials)
    {
        var args = new ControllerStatisticsArguments(KernelArguments.Pointer(firstActivation, nameof(firstActivation)),
            KernelArguments.Pointer(partials, nameof(partials)), clip);
        return new(Module, "controller_frame_statistics", new LaunchShape(clip.StatisticsGrid(), StatisticsBlock), args);
    }

    /// <summary>features [2C + 2T] = the controller's raw features, folded from <see cref="ControllerFrameStatistics"/>' partials.</summary>
    /// <exception cref="ArgumentException">A pointer is null, or T * C exceeds <see cref="MaxControllerFrameChannels"/>.</exception>
    public static KernelLaunch<ControllerStatisticsArguments> ControllerFeatures(ClipExtent clip, ulong partials, ulong features)
    {
        if ((long)clip.Frames * clip.Channels > MaxControllerFrameChannels)
            throw new ArgumentException($"controller_features folds at most {MaxControllerFrameChannels} frame-channel pairs in shared memory; "
                + $"A_1 has {clip.Frames} frames x {clip.Channels} channels.", nameof(clip));
        var args = new ControllerStatisticsArguments(KernelArguments.Pointer(partials, nameof(partials)), KernelArguments.Pointer(features, nameof(features)), clip);
        return new(Module, "controller_features", new LaunchShape(new Dim3(1), new Dim3(FeaturesBlockThreads)), args);
    }
}

/// <summary>The parameters of gate_statistics, in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GateStatisticsArguments(ulong input, ulong partialSums, uint pixels, uint channels, uint rectify, uint writeBack)
{
    public readonly ulong Input = input, PartialSums = partialSums;
    public readonly uint Pixels = pixels, Channels = channels, Rectify = rectify, WriteBack = writeBack;
}

/// <summary>The parameters of controller_frame_statistics and controller_features (source, destination, sizes), in .param order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ControllerStatisticsArguments(ulong source, ulong destination, ClipExtent clip)
{
    public readonly ulong Source = source, Destination = destination;
    public readonly uint Frames = (uint)clip.Frames, Pixels = (uint)clip.Pixels, Channels = (uint)clip.Channels, Slices = (uint)clip.Slices;
}
