namespace NativeDance.Cuda;

/// <summary>A CUDA grid or block extent: the number of blocks (or threads) along x, y and z, each at least 1.</summary>
/// <param name="X">Extent along x (fastest varying).</param>
/// <param name="Y">Extent along y.</param>
/// <param name="Z">Extent along z.</param>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    /// <summary>X * Y * Z.</summary>
    public ulong Count => (ulong)X * Y * Z;

    /// <inheritdoc />
    public override string ToString() => $"({X}, {Y}, {Z})";
}

/// <summary>How a kernel is launched: grid and block extents and the bytes of dynamic shared memory per block.</summary>
/// <param name="Grid">Blocks in the grid.</param>
/// <param name="Block">Threads in a block.</param>
/// <param name="DynamicSharedBytes">Bytes of dynamically sized shared memory per block (0 when the kernel declares all of it statically).</param>
public readonly record struct LaunchShape(Dim3 Grid, Dim3 Block, uint DynamicSharedBytes = 0);
