using System.Runtime.CompilerServices;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// The in-bounds taps of one pooling window. Along each axis the taps that land inside the input form one
/// contiguous range of kernel indices [first, end), so kernels loop over ranges without a bounds test per tap.
/// </summary>
internal readonly struct PoolWindow
{
    private readonly Dims3 _start, _dilation, _input;

    public PoolWindow(in Pool3dGeometry g, int ot, int oh, int ow)
    {
        _start = new Dims3(ot * g.Stride.T - g.Padding.T, oh * g.Stride.H - g.Padding.H, ow * g.Stride.W - g.Padding.W);
        _dilation = g.Dilation;
        _input = g.Input;
        (FirstT, EndT) = Taps(_start.T, g.Kernel.T, g.Dilation.T, g.Input.T);
        (FirstH, EndH) = Taps(_start.H, g.Kernel.H, g.Dilation.H, g.Input.H);
        (FirstW, EndW) = Taps(_start.W, g.Kernel.W, g.Dilation.W, g.Input.W);
    }

    /// <summary>In-bounds kernel taps along time: [FirstT, EndT).</summary>
    public int FirstT { get; private init; }

    /// <inheritdoc cref="FirstT"/>
    public int EndT { get; private init; }

    /// <summary>In-bounds kernel taps along height: [FirstH, EndH).</summary>
    public int FirstH { get; }

    /// <inheritdoc cref="FirstH"/>
    public int EndH { get; }

    /// <summary>In-bounds kernel taps along width: [FirstW, EndW).</summary>
    public int FirstW { get; }

    /// <inheritdoc cref="FirstW"/>
    public int EndW { get; }

    /// <summary>True when no tap lands inside the input (possible only with dilation).</summary>
    public bool IsEmpty => FirstT >= EndT || FirstH >= EndH || FirstW >= EndW;

    /// <summary>Number of in-bounds taps.</summary>
    public int Count => (EndT - FirstT) * (EndH - FirstH) * (EndW - FirstW);

    /// <summary>Flat index within the clip of the first in-bounds tap in scan order.</summary>
    public int FirstSpatial => Line(FirstT, FirstH) + _start.W + FirstW * _dilation.W;

    /// <summary>This window restricted to its taps at kernel frame <paramref name="kt"/>, which must be in bounds.</summary>
    public PoolWindow AtFrameTap(int kt) => this with { FirstT = kt, EndT = kt + 1 };

    /// <summary>Calls <paramref name="visitor"/> for every in-bounds tap in scan order (t, then h, then w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Visit<TVisitor>(ref TVisitor visitor) where TVisitor : struct, ITapVisitor
    {
        for (int kt = FirstT; kt < EndT; kt++)
        for (int kh = FirstH; kh < EndH; kh++)
        {
            int line = Line(kt, kh) + _start.W;
            for (int kw = FirstW; kw < EndW; kw++)
                visitor.Tap(line + kw * _dilation.W);
        }
    }

    /// <summary>Flat index of input position (tap kt, tap kh, w = 0).</summary>
    private int Line(int kt, int kh) => ((_start.T + kt * _dilation.T) * _input.H + _start.H + kh * _dilation.H) * _input.W;

    /// <summary>Taps k in [0, kernel) with 0 &lt;= start + k * dilation &lt; size. Undilated axes skip the divisions,
    /// which would otherwise cost more than the taps of a small window.</summary>
    private static (int First, int End) Taps(int start, int kernel, int dilation, int size)
    {
        int first = start >= 0 ? 0 : dilation == 1 ? -start : (-start + dilation - 1) / dilation;
        int end = start >= size ? 0 : Math.Min(kernel, dilation == 1 ? size - start : (size - 1 - start) / dilation + 1);
        return (first, Math.Max(first, end));
    }
}
