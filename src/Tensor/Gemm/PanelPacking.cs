using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// B packed into column panels the width of a register tile: row k of panel j at Data + j * PanelStride + k * width,
/// columns past N zero, so every tile reads whole vectors from one contiguous, prefetchable stream.
/// </summary>
internal readonly unsafe struct PackedPanels(float* data, nint panelStride)
{
    public float* Data { get; } = data;

    public nint PanelStride { get; } = panelStride;

    public float* Panel(int panel) => Data + panel * PanelStride;
}

/// <summary>Row k of a row-major B (its first column), as <see cref="RowPanelPacking{TOps, TVec, TRows}"/> reads it.</summary>
internal unsafe interface IPanelRows
{
    float* Row(int k);
}

/// <summary>Rows of a plain row-major matrix.</summary>
internal readonly unsafe struct StridedRows(float* b, nint ldb) : IPanelRows
{
    public float* Row(int k) => b + k * ldb;
}

/// <summary>
/// Packs alpha * B[k, 0..N) of a row-major B into panels (see <see cref="PackedPanels"/>), 32 rows per parallel
/// iteration. Each source row is read whole and front to back, however many panels it feeds: B lies row-major with
/// a long stride (N floats), and reading it a panel at a time would cost a TLB miss per row once B outgrows the TLB's
/// reach, which made packing slower than the multiply for large weights.
/// </summary>
internal unsafe struct RowPanelPacking<TOps, TVec, TRows> : IParallelBody
    where TOps : IVectorOps<TVec>
    where TVec : unmanaged
    where TRows : unmanaged, IPanelRows
{
    private const int RowsPerIteration = 32;

    public TRows Rows;
    public int Depth;
    public int Columns;
    /// <summary>Panel width: a whole number of vectors, the columns of the kernel's tile.</summary>
    public int Width;
    public float Alpha;
    public float* Destination;

    /// <summary>Packs <paramref name="depth"/> rows of <paramref name="columns"/> into <paramref name="destination"/>
    /// (<see cref="Length"/> floats) as panels <paramref name="width"/> wide.</summary>
    public static PackedPanels Pack(TRows rows, int depth, int columns, float alpha, float* destination, int width)
    {
        var body = new RowPanelPacking<TOps, TVec, TRows> { Rows = rows, Depth = depth, Columns = columns, Width = width, Alpha = alpha, Destination = destination };
        ParallelFor.Run((depth + RowsPerIteration - 1) / RowsPerIteration, ref body);
        return new PackedPanels(destination, (nint)depth * width);
    }

    /// <summary>Floats the packed panels of a depth x columns B occupy at panels <paramref name="width"/> wide.</summary>
    public static long Length(int depth, int columns, int width) => (long)depth * ((columns + width - 1) / width * width);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int index)
    {
        int width = Width, lanes = TOps.Lanes;
        nint panelStride = (nint)Depth * width;
        int fullPanels = Columns / width, tail = Columns - fullPanels * width;
        TVec alpha = TOps.Broadcast(Alpha);
        int end = Math.Min(Depth, (index + 1) * RowsPerIteration);
        for (int k = index * RowsPerIteration; k < end; k++)
        {
            float* source = Rows.Row(k);
            float* destination = Destination + (nint)k * width;
            for (int p = 0; p < fullPanels; p++, source += width, destination += panelStride)
            for (int v = 0; v < width; v += lanes)
                TOps.Store(destination + v, TOps.MultiplyAdd(TOps.Load(source + v), alpha, TOps.Zero));
            if (tail > 0)
            {
                for (int j = 0; j < tail; j++) destination[j] = Alpha * source[j];
                new Span<float>(destination + tail, width - tail).Clear();
            }
        }
    }
}

/// <summary>
/// Packs alpha * op(B) for op(B) = B^T (B is n x k, row-major): column j of op(B) is row j of B, read front to back
/// and written down panel column j. One panel per parallel iteration.
/// </summary>
internal unsafe struct TransposedPanelPacking : IParallelBody
{
    public float* B;
    public nint Ldb;
    public int Depth;
    public int Columns;
    public int Width;
    public float Alpha;
    public float* Destination;

    public static PackedPanels Pack(float* b, nint ldb, int depth, int columns, int width, float alpha, float* destination)
    {
        var body = new TransposedPanelPacking { B = b, Ldb = ldb, Depth = depth, Columns = columns, Width = width, Alpha = alpha, Destination = destination };
        ParallelFor.Run((columns + width - 1) / width, ref body);
        return new PackedPanels(destination, (nint)depth * width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Invoke(int panel)
    {
        int j0 = panel * Width, cols = Math.Min(Width, Columns - j0);
        float* destination = Destination + (nint)panel * Depth * Width;
        if (cols < Width) new Span<float>(destination, Depth * Width).Clear();
        for (int j = 0; j < cols; j++)
        {
            float* source = B + (j0 + j) * Ldb;
            for (int k = 0; k < Depth; k++) destination[(nint)k * Width + j] = Alpha * source[k];
        }
    }
}
