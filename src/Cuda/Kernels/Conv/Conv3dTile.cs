namespace NativeDance.Cuda.Kernels.Conv;

/// <summary>
/// One tile configuration of the conv3d PTX entries: the block computes a <see cref="Rows"/> x <see cref="Columns"/> tile
/// of the output (positions x output channels) with <see cref="Threads"/> threads of <see cref="MicroTile"/> squared
/// outputs each, walking the reduction <see cref="ChannelsPerStep"/> channels at a time. The entry names end in
/// <see cref="Name"/>. <see cref="BlocksPerMultiprocessor"/> is how many blocks an SM should hold to hide the latency of the
/// global loads behind other blocks' multiply-adds (registers per thread from ptxas: about 125, 62 and 60).
/// </summary>
internal sealed record Conv3dTile(string Name, int Rows, int Columns, int Threads, int MicroTile, int ChannelsPerStep, int BlocksPerMultiprocessor)
{
    /// <summary>128 x 128, 256 threads of 8 x 8: the most multiply-adds per staged element, for problems that fill the GPU.</summary>
    public static Conv3dTile Large { get; } = new("128x128", 128, 128, 256, 8, 8, 2);

    /// <summary>64 x 64, 256 threads of 4 x 4: four times the blocks of <see cref="Large"/>, and less padding for 64 channels.</summary>
    public static Conv3dTile Medium { get; } = new("64x64", 64, 64, 256, 4, 8, 2);

    /// <summary>32 x 32, 64 threads of 4 x 4, 4 channels per step: small outputs and short reductions.</summary>
    public static Conv3dTile Small { get; } = new("32x32", 32, 32, 64, 4, 4, 6);

    /// <summary>All configurations, largest first.</summary>
    public static IReadOnlyList<Conv3dTile> All { get; } = [Large, Medium, Small];
}
