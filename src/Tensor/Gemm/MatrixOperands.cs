using System.Runtime.CompilerServices;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// op(A) of a plain GEMM as driver operands. K is cut into chunks of <see cref="ChunkDepth"/>. Each task packs its
/// A rows of a chunk (at most <see cref="GroupRows"/>) row-major into scratch: contiguous rows for
/// the kernel's broadcasts, transposition done once per element.
/// </summary>
internal unsafe struct MatrixOperands : IGemmOperands
{
    /// <summary>
    /// K chunk. Each chunk reads and writes all of C once, so deeper chunks halve that traffic; a 28-row block of a
    /// 512-deep chunk (59 KB) then outgrows L1, yet 512 ran 1.3-1.5% faster than 256 at 1024^3 (alternating in one
    /// process, on a quiet and on a busy host alike).
    /// </summary>
    public const int ChunkDepth = 512;

    /// <summary>
    /// Rows one task packs at most: two tall tiles. Every block streams all the panels either way, so at one thread the
    /// group size changes only how often a copy starts; at two, small tasks balance (a 1024^3 multiply's median at 2
    /// threads: 7.9 ms with 56 rows, 8.3 with 112, 10.5 with 240, alternating in one process).
    /// </summary>
    public const int GroupRows = 56;

    /// <summary>
    /// Floats between packed rows, for every chunk (the last one may be shallower): padded off a multiple of 4 KB so
    /// the tile's rows do not alias in L1, and fixed, so <see cref="TallKernel{TStride}"/> addresses rows by constant offsets.
    /// </summary>
    public const int ScratchStride = ChunkDepth + 16;

    private readonly float* _a;
    private readonly nint _lda;
    private readonly bool _transposeA;
    private readonly int _m, _n, _k;
    private readonly int _tileRows;

    /// <summary>op(A)[i, p] is a[i * lda + p], or a[p * lda + i] when transposed; C is m x n.</summary>
    public MatrixOperands(float* a, nint lda, bool transposeA, int m, int n, int k, int tileRows)
    {
        _a = a;
        _lda = lda;
        _transposeA = transposeA;
        _m = m;
        _n = n;
        _k = k;
        _tileRows = tileRows;
    }

    public readonly int BlockCount => (_m + _tileRows - 1) / _tileRows;

    public readonly int Columns => _n;

    public readonly int ChunkCount => Math.Max(1, (_k + ChunkDepth - 1) / ChunkDepth);

    public readonly int MaxSegments => 1;

    public readonly bool PanelsInner => true;

    public readonly int MaxGroupBlocks => Math.Max(1, GroupRows / _tileRows);

    public readonly (long A, long B) Footprint => ((long)_m * _k, (long)_k * _n);

    public readonly int ScratchLength(int blocks) => blocks * _tileRows * ScratchStride;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Prepare(int first, int end, int chunk, float* scratch)
    {
        int i0 = first * _tileRows, rows = Math.Min(end * _tileRows, _m) - i0;
        int p0 = chunk * ChunkDepth, depth = Depth(chunk);
        nint ld = ScratchStride;
        if (!_transposeA)
        {
            for (int i = 0; i < rows; i++)
                new ReadOnlySpan<float>(_a + (i0 + i) * _lda + p0, depth).CopyTo(new Span<float>(scratch + i * ld, depth));
            return;
        }
        // op(A) = A^T: source row p holds column p of the rows packed here.
        BlockTranspose.Run(_a + p0 * _lda + i0, _lda, depth, rows, scratch, ld);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly RowBlock Tile(int first, int block, int chunk, float* scratch, TileArgs* t)
    {
        int depth = Depth(chunk);
        nint ld = ScratchStride;
        t->A = scratch + (block - first) * _tileRows * ld;
        t->Lda = ld;
        t->Length = depth;
        t->Segments[0] = new KSegment { AOffset = 0, K = chunk * ChunkDepth };
        t->SegmentCount = depth > 0 ? 1 : 0;
        int firstRow = block * _tileRows;
        return new RowBlock(Math.Min(_tileRows, _m - firstRow), firstRow);
    }

    private readonly int Depth(int chunk) => Math.Min(ChunkDepth, _k - chunk * ChunkDepth);
}
