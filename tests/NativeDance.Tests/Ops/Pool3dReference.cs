using NativeDance.Tensors.Ops;

namespace NativeDance.Tests.Ops;

/// <summary>
/// Plain-loop 3D pooling in double precision, written straight from PyTorch's definitions: the oracle for
/// <see cref="MaxPool3d"/> and <see cref="AvgPool3d"/>. Layouts as in <see cref="Pool3dGeometry"/>.
/// </summary>
internal static class Pool3dReference
{
    /// <summary>Max over each window, starting from -inf with the first in-bounds tap as the index; a tap wins if greater or NaN.</summary>
    public static (double[] Values, int[] Argmax) Max(in Pool3dGeometry g, ReadOnlySpan<double> x)
    {
        var values = new double[g.OutputLength];
        var argmax = new int[g.OutputLength];
        foreach (var (o, n, c, taps) in Windows(g))
        {
            double best = double.NegativeInfinity;
            int index = taps.Count > 0 ? taps[0] : -1;
            foreach (int s in taps)
            {
                double v = x[InputIndex(g, n, s, c)];
                if (v > best || double.IsNaN(v)) { best = v; index = s; }
            }
            values[o] = best;
            argmax[o] = index;
        }
        return (values, argmax);
    }

    /// <summary>Mean over each window: divided by the kernel volume, or by the in-bounds taps when padding is not counted.</summary>
    public static double[] Avg(in Pool3dGeometry g, ReadOnlySpan<double> x, bool countIncludePad)
    {
        var values = new double[g.OutputLength];
        foreach (var (o, n, c, taps) in Windows(g))
        {
            double sum = 0;
            foreach (int s in taps) sum += x[InputIndex(g, n, s, c)];
            values[o] = sum / (countIncludePad ? g.Kernel.Volume : taps.Count);
        }
        return values;
    }

    public static double[] MaxBackward(in Pool3dGeometry g, ReadOnlySpan<int> argmax, ReadOnlySpan<float> dy)
    {
        var dx = new double[g.InputLength];
        foreach (var (o, n, c, _) in Windows(g))
            if (argmax[o] >= 0) dx[InputIndex(g, n, argmax[o], c)] += dy[o];
        return dx;
    }

    public static double[] AvgBackward(in Pool3dGeometry g, ReadOnlySpan<float> dy, bool countIncludePad)
    {
        var dx = new double[g.InputLength];
        foreach (var (o, n, c, taps) in Windows(g))
            foreach (int s in taps) dx[InputIndex(g, n, s, c)] += dy[o] / (double)(countIncludePad ? g.Kernel.Volume : taps.Count);
        return dx;
    }

    /// <summary>Every output element with the in-bounds taps of its window (clip-relative flat indices, scan order t, h, w).</summary>
    private static IEnumerable<(int Output, int N, int C, List<int> Taps)> Windows(Pool3dGeometry g)
    {
        for (int n = 0; n < g.Batch; n++)
        for (int ot = 0; ot < g.Output.T; ot++)
        for (int oh = 0; oh < g.Output.H; oh++)
        for (int ow = 0; ow < g.Output.W; ow++)
        {
            var taps = new List<int>();
            for (int kt = 0; kt < g.Kernel.T; kt++)
            for (int kh = 0; kh < g.Kernel.H; kh++)
            for (int kw = 0; kw < g.Kernel.W; kw++)
            {
                int it = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
                int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                if (it >= 0 && it < g.Input.T && ih >= 0 && ih < g.Input.H && iw >= 0 && iw < g.Input.W)
                    taps.Add((it * g.Input.H + ih) * g.Input.W + iw);
            }
            for (int c = 0; c < g.Channels; c++)
                yield return (((((n * g.Output.T + ot) * g.Output.H + oh) * g.Output.W + ow) * g.Channels) + c, n, c, taps);
        }
    }

    private static int InputIndex(in Pool3dGeometry g, int n, int spatial, int c) => ((n * (int)g.Input.Volume) + spatial) * g.Channels + c;
}
