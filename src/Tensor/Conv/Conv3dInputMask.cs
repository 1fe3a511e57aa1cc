namespace NativeDance.Tensors.Conv;

/// <summary>
/// Structured pruning of a convolution's input: the frames and channels that survive. A dropped frame or
/// channel is treated as all zeros, so the masked conv equals the dense conv of the masked input, while
/// the kernel only does the work the kept ones imply. The mask applies to every clip in the batch.
/// </summary>
/// <example><code>var mask = Conv3dInputMask.Create(g, keptFrames: [0, 2, 3], keptChannels: [1, 5, 6, 9]);</code></example>
public sealed class Conv3dInputMask
{
    private Conv3dInputMask(int[] keptFrames, int[] keptChannels)
    {
        KeptFrames = keptFrames;
        KeptChannels = keptChannels;
    }

    /// <summary>Kept input frames, strictly increasing.</summary>
    public int[] KeptFrames { get; }

    /// <summary>Kept input channels, strictly increasing.</summary>
    public int[] KeptChannels { get; }

    /// <summary>Validates a mask against a convolution. A null list keeps everything along that axis.</summary>
    /// <exception cref="ArgumentException">An index is out of range, or the indices are not strictly increasing; the message names them.</exception>
    public static Conv3dInputMask Create(in Conv3dGeometry geometry, int[]? keptFrames, int[]? keptChannels)
    {
        var frames = keptFrames is null ? Enumerable.Range(0, geometry.Input.T).ToArray() : Validate(keptFrames, geometry.Input.T, nameof(keptFrames), "frame");
        var channels = keptChannels is null ? Enumerable.Range(0, geometry.InChannels).ToArray() : Validate(keptChannels, geometry.InChannels, nameof(keptChannels), "channel");
        return new Conv3dInputMask(frames, channels);
    }

    /// <summary>A mask that keeps everything (useful as a neutral element in tests).</summary>
    public static Conv3dInputMask All(in Conv3dGeometry geometry) => Create(geometry, null, null);

    /// <summary>Checks that this mask was made for a geometry with the same input frames and channels.</summary>
    /// <exception cref="ArgumentException">An index is outside the geometry.</exception>
    public void RequireFits(in Conv3dGeometry geometry)
    {
        if ((KeptFrames.Length > 0 && KeptFrames[^1] >= geometry.Input.T) || (KeptChannels.Length > 0 && KeptChannels[^1] >= geometry.InChannels))
            throw new ArgumentException($"Mask with frames up to {KeptFrames.LastOrDefault()} and channels up to {KeptChannels.LastOrDefault()} does not fit conv {geometry}.");
    }

    private static int[] Validate(ReadOnlySpan<int> indices, int size, string name, string what)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)size)
                throw new ArgumentException($"Kept {what} index {indices[i]} at position {i} is out of range [0, {size}).", name);
            if (i > 0 && indices[i] <= indices[i - 1])
                throw new ArgumentException($"Kept {what} indices must be strictly increasing: {indices[i - 1]} is followed by {indices[i]} at position {i}.", name);
        }
        return indices.ToArray();
    }
}
