namespace NativeDance.Tensors.Conv;

/// <summary>
/// Structured pruning of a convolution's input: the frames and channels that survive. A dropped frame or
/// channel is treated as all zeros, so the masked conv equals the dense conv of the masked input, while
/// the kernel only does the work the kept ones imply. The mask applies to every clip in the batch.
/// </summary>
/// <example><code>var mask = Conv3dInputMask.Create(g, keptFrames: [0, 2, 3], keptChannels: [1, 5, 6, 9]);
/// var reusable = Conv3dInputMask.CreateReusable(maxFrames: 16, maxChannels: 64);
/// reusable.Refill(keptFramesOfThisClip, keptChannelsOfThisClip); // no allocation</code></example>
public sealed class Conv3dInputMask
{
    // A reusable mask keeps, per axis, one array of every possible length (index = length), so that a refill
    // publishes exact-length lists, as the kernels expect, without allocating.
    private readonly int[][]? _framesByLength;
    private readonly int[][]? _channelsByLength;

    private Conv3dInputMask(int[] keptFrames, int[] keptChannels)
    {
        KeptFrames = keptFrames;
        KeptChannels = keptChannels;
    }

    private Conv3dInputMask(int maxFrames, int maxChannels)
    {
        _framesByLength = ArraysUpTo(maxFrames);
        _channelsByLength = ArraysUpTo(maxChannels);
        KeptFrames = _framesByLength[maxFrames];
        KeptChannels = _channelsByLength[maxChannels];
        for (int i = 0; i < maxFrames; i++) KeptFrames[i] = i;
        for (int i = 0; i < maxChannels; i++) KeptChannels[i] = i;
    }

    /// <summary>Kept input frames, strictly increasing.</summary>
    public int[] KeptFrames { get; private set; }

    /// <summary>Kept input channels, strictly increasing.</summary>
    public int[] KeptChannels { get; private set; }

    /// <summary>Validates a mask against a convolution. A null list keeps everything along that axis.</summary>
    /// <exception cref="ArgumentException">An index is out of range, or the indices are not strictly increasing; the message names them.</exception>
    public static Conv3dInputMask Create(in Conv3dGeometry geometry, int[]? keptFrames, int[]? keptChannels)
    {
        var frames = keptFrames is null ? Enumerable.Range(0, geometry.Input.T).ToArray() : Validate(keptFrames, geometry.Input.T, nameof(keptFrames), "frame").ToArray();
        var channels = keptChannels is null ? Enumerable.Range(0, geometry.InChannels).ToArray() : Validate(keptChannels, geometry.InChannels, nameof(keptChannels), "channel").ToArray();
        return new Conv3dInputMask(frames, channels);
    }

    /// <summary>A mask that keeps everything (useful as a neutral element in tests).</summary>
    public static Conv3dInputMask All(in Conv3dGeometry geometry) => Create(geometry, null, null);

    /// <summary>
    /// A mask for inputs of up to <paramref name="maxFrames"/> frames and <paramref name="maxChannels"/> channels whose
    /// lists <see cref="Refill"/> replaces without allocating, for per-clip masks in an inference loop. It starts
    /// keeping everything. Its storage is O(maxFrames^2 + maxChannels^2) ints.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static Conv3dInputMask CreateReusable(int maxFrames, int maxChannels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChannels);
        return new Conv3dInputMask(maxFrames, maxChannels);
    }

    /// <summary>
    /// Replaces the kept lists of a mask made by <see cref="CreateReusable"/>, with the checks of <see cref="Create"/>
    /// against its maximum sizes (<see cref="RequireFits"/> checks a geometry). Allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The mask was not made by <see cref="CreateReusable"/>.</exception>
    /// <exception cref="ArgumentException">An index is out of range, or the indices are not strictly increasing.</exception>
    public void Refill(ReadOnlySpan<int> keptFrames, ReadOnlySpan<int> keptChannels)
    {
        if (_framesByLength is null || _channelsByLength is null)
            throw new InvalidOperationException("Only a mask made by Conv3dInputMask.CreateReusable can be refilled.");
        var frames = _framesByLength[Validate(keptFrames, _framesByLength.Length - 1, nameof(keptFrames), "frame").Length];
        var channels = _channelsByLength[Validate(keptChannels, _channelsByLength.Length - 1, nameof(keptChannels), "channel").Length];
        keptFrames.CopyTo(frames);
        keptChannels.CopyTo(channels);
        KeptFrames = frames;
        KeptChannels = channels;
    }

    /// <summary>Checks that this mask was made for a geometry with the same input frames and channels.</summary>
    /// <exception cref="ArgumentException">An index is outside the geometry.</exception>
    public void RequireFits(in Conv3dGeometry geometry)
    {
        if ((KeptFrames.Length > 0 && KeptFrames[^1] >= geometry.Input.T) || (KeptChannels.Length > 0 && KeptChannels[^1] >= geometry.InChannels))
            throw new ArgumentException($"Mask with frames up to {KeptFrames.LastOrDefault()} and channels up to {KeptChannels.LastOrDefault()} does not fit conv {geometry}.");
    }

    private static ReadOnlySpan<int> Validate(ReadOnlySpan<int> indices, int size, string name, string what)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)size)
                throw new ArgumentException($"Kept {what} index {indices[i]} at position {i} is out of range [0, {size}).", name);
            if (i > 0 && indices[i] <= indices[i - 1])
                throw new ArgumentException($"Kept {what} indices must be strictly increasing: {indices[i - 1]} is followed by {indices[i]} at position {i}.", name);
        }
        return indices;
    }

    private static int[][] ArraysUpTo(int max)
    {
        var arrays = new int[max + 1][];
        for (int length = 0; length <= max; length++) arrays[length] = new int[length];
        return arrays;
    }
}
