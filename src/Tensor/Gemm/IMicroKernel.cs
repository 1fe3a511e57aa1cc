namespace NativeDance.Tensors.Gemm;

/// <summary>A register tile shape and the kernel that computes it, as the driver runs it (see <see cref="GemmDriver{TOps, TVec}"/>).</summary>
internal unsafe interface IMicroKernel
{
    /// <summary>Rows of a full tile.</summary>
    static abstract int Rows { get; }

    /// <summary>Columns of a tile: the width of the packed B panels it reads.</summary>
    static abstract int Columns { get; }

    /// <summary>Computes the tile's first <paramref name="rows"/> rows (1 to <see cref="Rows"/>) as <see cref="TileArgs"/> describes.</summary>
    static abstract void Run(int rows, TileArgs* t);
}

/// <summary><see cref="MicroKernel{TOps, TVec}"/>: up to 14 rows of two vectors, A read through row pointers with any stride.</summary>
internal readonly unsafe struct WideKernel<TOps, TVec> : IMicroKernel where TOps : IVectorOps<TVec> where TVec : unmanaged
{
    public static int Rows => TOps.MaxRows;

    public static int Columns => MicroKernel<TOps, TVec>.Columns;

    public static void Run(int rows, TileArgs* t) => MicroKernel<TOps, TVec>.Run(rows, t);
}
