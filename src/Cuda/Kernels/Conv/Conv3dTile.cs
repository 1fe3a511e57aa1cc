namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// One tile configuration of the conv3d PTX entries: the block computes a <see cref="Rows"/> x <see cref="Columns"/> tile
/// of the output (positions x output channels) with <see cref="Threads"/> threads of 4 x 4 outputs each, walking the
/// reduction <see cref="ChannelsPerStep"/> channels at a time. The entry names end in <see cref="Name"/>.
/// </summary>
internal sealed record Conv3dTile(string Name, int Rows, int Columns, int Threads, int ChannelsPerStep)
{
    /// <summary>64 x 64, 256 threads, 8 channels per step: the most reuse per staged element, for problems that fill the GPU.</summary>
    public static Conv3dTile Large { get; } = new("64x64", 64, 64, 256, 8);

    /// <summary>32 x 32, 64 threads, 4 channels per step: four times the blocks of <see cref="Large"/> for small outputs.</summary>
    public static Conv3dTile Small { get; } = new("32x32", 32, 32, 64, 4);

    /// <summary>Both configurations.</summary>
    public static IReadOnlyList<Conv3dTile> All { get; } = [Large, Small];
}
