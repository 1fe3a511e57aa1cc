using NativeDance.Models.Layers;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// What one gated conv costs per input element. Along each axis, <c>Fan[i]</c> counts the (tap, output) pairs an input
/// index feeds (fewer at borders and with stride), so an input element (t, h, w, c) that survives the masks costs
/// exactly Cout * FanT[t] * FanH[h] * FanW[w] multiply-accumulates: the executed-MAC count of METHOD.md, borders included.
/// </summary>
public sealed class GateGeometry
{
    private GateGeometry(ActivationGate gate, Conv3dGeometry conv, float[] fanT, float[] fanH, float[] fanW)
    {
        Gate = gate;
        Conv = conv;
        FanT = fanT;
        FanH = fanH;
        FanW = fanW;
        double spatial = 0;
        foreach (float a in fanH) foreach (float b in fanW) spatial += a * b;
        SpatialFan = spatial;
        DenseExecutedMacs = (double)conv.OutChannels * conv.InChannels * fanT.Sum() * spatial;
    }

    /// <summary>The gate.</summary>
    public ActivationGate Gate { get; }

    /// <summary>The gated convolution for one clip.</summary>
    public Conv3dGeometry Conv { get; }

    /// <summary>(tap, output) pairs per input frame.</summary>
    public float[] FanT { get; }

    /// <summary>(tap, output) pairs per input row.</summary>
    public float[] FanH { get; }

    /// <summary>(tap, output) pairs per input column.</summary>
    public float[] FanW { get; }

    /// <summary>Sum over (h, w) of FanH[h] * FanW[w].</summary>
    public double SpatialFan { get; }

    /// <summary>MACs the conv executes on a fully kept input, padding taps excluded.</summary>
    public double DenseExecutedMacs { get; }

    /// <summary>Conventional dense MACs of the conv (padding taps included), the unit the budget is expressed in.</summary>
    public long DenseMacs => Conv.DenseMacs;

    /// <summary>Builds the geometry of <paramref name="gate"/> for a per-clip input of shape [1, T, H, W, C].</summary>
    public static GateGeometry For(ActivationGate gate, Shape clipInput)
    {
        var g = gate.Conv.GeometryFor(clipInput);
        if (g.Groups != 1) throw new ArgumentException($"Gated conv {gate.ConvName} has {g.Groups} groups; DANCE gates dense convs only.");
        return new GateGeometry(gate, g,
            Fan(g.Input.T, g.Kernel.T, g.Stride.T, g.Padding.T, g.Dilation.T, g.Output.T),
            Fan(g.Input.H, g.Kernel.H, g.Stride.H, g.Padding.H, g.Dilation.H, g.Output.H),
            Fan(g.Input.W, g.Kernel.W, g.Stride.W, g.Padding.W, g.Dilation.W, g.Output.W));
    }

    private static float[] Fan(int size, int kernel, int stride, int pad, int dilation, int outputs)
    {
        var fan = new float[size];
        for (int o = 0; o < outputs; o++)
        for (int k = 0; k < kernel; k++)
        {
            int i = o * stride - pad + k * dilation;
            if ((uint)i < (uint)size) fan[i]++;
        }
        return fan;
    }
}
