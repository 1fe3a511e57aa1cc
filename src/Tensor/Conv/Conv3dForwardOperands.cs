using System.Runtime.CompilerServices;
using NativeDance.Tensors.Gemm;

namespace NativeDance.Tensors.Conv;

/// <summary>
/// One group of a conv forward as an implicit GEMM for <see cref="GemmDriver{TOps, TVec}"/>: row m of A is output
/// pixel m, column k is (tap, kept input channel), B is the group's weights packed (see <see cref="Conv3dForwardWeights"/>).
/// <para>
/// A is never materialised: a tile is a run of consecutive output pixels along W of one output line (n, ot, oh),
/// and for a fixed tap those pixels read input pixels sw apart, so row r of the tile is input + r * (sw * Cs) and
/// each tap is one K segment at a fixed offset into the channels-last input. Taps that fall into the T/H padding
/// or onto a dropped frame get no segment: their work is skipped, not multiplied by zeros. W padding is
/// materialised by the staging copy, so every kw tap is in range. With dw = 1 and the buffer holding just this
/// group's channels, the kW taps of one (kt, kh) are contiguous (adjacent pixels, channels-last), so they form one
/// segment of kW * C: fewer, longer segments, which matters when C is small (3 input channels: 9 instead of 3).
/// </para>
/// </summary>
internal unsafe struct Conv3dForwardOperands : IGemmOperands
{
    /// <summary>Most floats of B one chunk reads (256 KB): they stay in L2 while the task's blocks pass over them.</summary>
    private const int ChunkPanelFloats = 1 << 16;

    /// <summary>Floats of input a task should read, so its A region stays in L2 across the panels it loops over.</summary>
    private const int GroupFootprintFloats = 1 << 17;

    private readonly float* _input;
    private readonly int _t, _h, _wp, _cs;
    private readonly int _channels;
    private readonly int _columns;
    private readonly Dims3 _kernel, _stride, _dilation, _output;
    private readonly int _padT, _padH;
    private readonly byte* _frameKept;
    private readonly bool _mergeKw;
    private readonly bool _flat;
    private readonly int _lineLength, _lineCount, _pieces;
    private readonly int _segmentTaps, _segmentLength, _chunks;
    private readonly int _maxGroupBlocks;

    /// <param name="g">The convolution.</param>
    /// <param name="input">[N, T, H, Wp, Cs] channels-last, W already padded; points at this group's first channel.</param>
    /// <param name="wp">Width of the input buffer.</param>
    /// <param name="cs">Channels per pixel in the input buffer.</param>
    /// <param name="channels">Channels of this group in the buffer: the reduction per tap.</param>
    /// <param name="frameKept">Per input frame, nonzero when kept; null keeps all.</param>
    /// <param name="tileRows">Rows of a full register tile.</param>
    /// <param name="tileColumns">Columns of a register tile, for sizing the K chunks.</param>
    public Conv3dForwardOperands(in Conv3dGeometry g, float* input, int wp, int cs, int channels, byte* frameKept, int tileRows, int tileColumns)
    {
        _input = input;
        _t = g.Input.T;
        _h = g.Input.H;
        _wp = wp;
        _cs = cs;
        _channels = channels;
        _columns = g.OutChannelsPerGroup;
        _kernel = g.Kernel;
        _stride = g.Stride;
        _dilation = g.Dilation;
        _output = g.Output;
        _padT = g.Padding.T;
        _padH = g.Padding.H;
        _frameKept = frameKept;
        _mergeKw = g.Dilation.W == 1 && channels == cs;
        // A 1x1x1, stride 1, unpadded conv is a plain GEMM on the input: every pixel of the batch is one long line.
        _flat = g.Kernel.Volume == 1 && g.Stride == Dims3.Cube(1) && g.Padding == Dims3.Cube(0) && frameKept == null;
        _lineLength = _flat ? checked(g.Batch * (int)g.Output.Volume) : g.Output.W;
        _lineCount = _flat ? 1 : g.Batch * g.Output.T * g.Output.H;
        _pieces = (_lineLength + tileRows - 1) / tileRows;
        _segmentTaps = g.Kernel.T * g.Kernel.H * (_mergeKw ? 1 : g.Kernel.W);
        _segmentLength = _mergeKw ? g.Kernel.W * channels : channels;
        long chunks = ((long)_segmentTaps * _segmentLength * tileColumns + ChunkPanelFloats - 1) / ChunkPanelFloats;
        _chunks = (int)Math.Clamp(chunks, 1, Math.Max(1, _segmentLength / 16));
        // A group of G output lines reads about kT * (G + kH - 1) input lines; a flat group reads its own rows.
        int pixelFloats = Math.Max(1, cs);
        _maxGroupBlocks = _flat
            ? Math.Max(1, GroupFootprintFloats / pixelFloats / tileRows)
            : (int)Math.Min(int.MaxValue, Math.Max(1, GroupFootprintFloats / ((long)g.Kernel.T * wp * pixelFloats) - (g.Kernel.H - 1)) * _pieces);
    }

    public readonly int BlockCount => _lineCount * _pieces;

    public readonly int Columns => _columns;

    public readonly int ChunkCount => _chunks;

    public readonly int MaxSegments => _segmentTaps;

    public readonly bool PanelsInner => false;

    public readonly int MaxGroupBlocks => _maxGroupBlocks;

    public readonly (long A, long B) Footprint => ((long)_lineCount * _lineLength * _stride.W * _cs, (long)_segmentTaps * _segmentLength * _columns);

    public readonly int ScratchLength(int blocks) => 0;

    public readonly void Prepare(int first, int end, int chunk, float* scratch)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly RowBlock Tile(int first, int block, int chunk, float* scratch, TileArgs* t)
    {
        int line = block / _pieces, piece = block % _pieces;
        int w0 = (int)((long)piece * _lineLength / _pieces), w1 = (int)((long)(piece + 1) * _lineLength / _pieces);
        int l0 = ChunkStart(chunk), length = ChunkStart(chunk + 1) - l0;
        t->Length = length;
        long firstRow = (long)line * _lineLength + w0;
        if (_flat)
        {
            t->A = _input + (nint)w0 * _cs;
            t->Lda = _cs;
            t->Segments[0] = new KSegment { AOffset = l0, K = l0 };
            t->SegmentCount = length > 0 ? 1 : 0;
            return new RowBlock(w1 - w0, firstRow);
        }
        int oh = line % _output.H, rest = line / _output.H;
        int ot = rest % _output.T, n = rest / _output.T;
        t->A = _input + ((nint)n * _t * _h * _wp + (nint)w0 * _stride.W) * _cs;
        t->Lda = (nint)_stride.W * _cs;
        int count = 0;
        if (length > 0)
        {
            KSegment* segments = t->Segments;
            for (int kt = 0; kt < _kernel.T; kt++)
            {
                int it = ot * _stride.T - _padT + kt * _dilation.T;
                if ((uint)it >= (uint)_t || (_frameKept != null && _frameKept[it] == 0)) continue;
                for (int kh = 0; kh < _kernel.H; kh++)
                {
                    int ih = oh * _stride.H - _padH + kh * _dilation.H;
                    if ((uint)ih >= (uint)_h) continue;
                    nint lineOffset = ((nint)it * _h + ih) * _wp * _cs + l0;
                    int s = kt * _kernel.H + kh;
                    if (_mergeKw)
                    {
                        segments[count++] = new KSegment { AOffset = lineOffset, K = (nint)s * _segmentLength + l0 };
                        continue;
                    }
                    for (int kw = 0; kw < _kernel.W; kw++)
                        segments[count++] = new KSegment { AOffset = lineOffset + (nint)kw * _dilation.W * _cs, K = (nint)(s * _kernel.W + kw) * _segmentLength + l0 };
                }
            }
        }
        t->SegmentCount = count;
        return new RowBlock(w1 - w0, firstRow);
    }

    /// <summary>Chunks split every segment at the same offsets, rounded to cache lines (chunks are at least 16 long).
    /// Segment s covers packed B rows [s * L, (s + 1) * L) for segment length L: row tap * channels + channel.</summary>
    private readonly int ChunkStart(int chunk) =>
        chunk >= _chunks ? _segmentLength : (int)((long)chunk * _segmentLength / _chunks) & ~15;
}
