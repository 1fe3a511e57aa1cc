namespace NativeDance.Tensors.Gemm;

/// <summary>Where one register tile's rows land in C: <see cref="Rows"/> consecutive rows from <see cref="FirstRow"/>.</summary>
internal readonly record struct RowBlock(int Rows, long FirstRow);

/// <summary>
/// The A side of C[M, N] = A[M, K] * B[K, N] as <see cref="GemmDriver{TOps, TVec}"/> consumes it (B comes packed, see
/// <see cref="PackedPanels"/>). M is cut into row blocks of at most a tile's rows, K into chunks reduced one after
/// another so that the B rows of a chunk stay in L2 while a task's blocks pass over them; each block's K is a list of
/// segments, each naming its rows in the packed B. A plain matrix packs its A rows per task
/// (<see cref="MatrixOperands"/>); a convolution points the tile at rows of its input in place, one segment per
/// kernel tap, and so runs as an implicit GEMM through the same driver and microkernel.
/// </summary>
internal unsafe interface IGemmOperands
{
    /// <summary>Row blocks (tiles along M).</summary>
    int BlockCount { get; }

    /// <summary>Columns of C and B (N).</summary>
    int Columns { get; }

    /// <summary>At least one; C accumulates across chunks, so chunk 0 alone applies beta and bias.</summary>
    int ChunkCount { get; }

    /// <summary>Most K segments one tile has in one chunk.</summary>
    int MaxSegments { get; }

    /// <summary>
    /// The order of a task's tiles within a chunk. True: each row block meets all the task's panels before the next
    /// block, so its A rows stay in cache (L1, or L2 for the deepest chunks) while the panels stream from L2 (the plain
    /// GEMM: A packed contiguous). False:
    /// each panel meets all the task's blocks, so the panel stays in cache while A streams (a conv: its A rows lie in
    /// place in the input and are short, its panels long).
    /// </summary>
    bool PanelsInner { get; }

    /// <summary>Most blocks one task may cover, e.g. so that the A rows a task reads stay in L2.</summary>
    int MaxGroupBlocks { get; }

    /// <summary>Floats of A and of B read in one pass; the driver weighs them to choose what to split across threads.</summary>
    (long A, long B) Footprint { get; }

    /// <summary>Floats of A scratch a task covering <paramref name="blocks"/> blocks needs.</summary>
    int ScratchLength(int blocks);

    /// <summary>Readies blocks [first, end) for <paramref name="chunk"/>, e.g. packs their rows into <paramref name="scratch"/>.</summary>
    void Prepare(int first, int end, int chunk, float* scratch);

    /// <summary>
    /// Points the tile at the A rows of <paramref name="block"/> for <paramref name="chunk"/>: sets A, Lda, Length and
    /// writes the segments into t.Segments. <paramref name="first"/> and
    /// <paramref name="scratch"/> are those of the task's last <see cref="Prepare"/>.
    /// </summary>
    RowBlock Tile(int first, int block, int chunk, float* scratch, TileArgs* t);
}
