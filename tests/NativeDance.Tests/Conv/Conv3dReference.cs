using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Conv;

/// <summary>
/// Plain-loop 3D convolution in double precision: the oracle every optimised conv kernel is tested against.
/// Layouts as in <see cref="Conv3dGeometry"/>. A dropped frame or channel of the mask reads as zero.
/// </summary>
internal static partial class Conv3dReference
{
    public static double[] Forward(in Conv3dGeometry g, ReadOnlySpan<double> input, ReadOnlySpan<double> weight,
        ReadOnlySpan<double> bias, Conv3dInputMask? mask = null)
    {
        var frameKept = KeptFlags(g.Input.T, mask?.KeptFrames);
        var channelKept = KeptFlags(g.InChannels, mask?.KeptChannels);
        var output = new double[g.OutputLength];
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        for (int ot = 0; ot < g.Output.T; ot++)
        for (int oh = 0; oh < g.Output.H; oh++)
        for (int ow = 0; ow < g.Output.W; ow++)
        for (int co = 0; co < g.OutChannels; co++)
        {
            int group = co / coutG;
            double acc = bias.IsEmpty ? 0 : bias[co];
            for (int kt = 0; kt < g.Kernel.T; kt++)
            for (int kh = 0; kh < g.Kernel.H; kh++)
            for (int kw = 0; kw < g.Kernel.W; kw++)
            {
                if (!InputIndex(g, n, ot, oh, ow, kt, kh, kw, out int inBase, out int it) || !frameKept[it]) continue;
                for (int ci = 0; ci < cinG; ci++)
                {
                    int c = group * cinG + ci;
                    if (channelKept[c])
                        acc += input[inBase + c] * weight[WeightIndex(g, kt, kh, kw, ci, co)];
                }
            }
            output[OutputIndex(g, n, ot, oh, ow, co)] = acc;
        }
        return output;
    }

    /// <summary>Offset of input pixel (n, it, ih, iw, channel 0) that tap (kt, kh, kw) of output (ot, oh, ow) reads; false in the padding.</summary>
    public static bool InputIndex(in Conv3dGeometry g, int n, int ot, int oh, int ow, int kt, int kh, int kw, out int inBase, out int it)
    {
        it = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
        int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
        int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
        inBase = (((n * g.Input.T + it) * g.Input.H + ih) * g.Input.W + iw) * g.InChannels;
        return (uint)it < (uint)g.Input.T && (uint)ih < (uint)g.Input.H && (uint)iw < (uint)g.Input.W;
    }

    public static int WeightIndex(in Conv3dGeometry g, int kt, int kh, int kw, int ci, int co) =>
        (((kt * g.Kernel.H + kh) * g.Kernel.W + kw) * g.InChannelsPerGroup + ci) * g.OutChannels + co;

    public static int OutputIndex(in Conv3dGeometry g, int n, int ot, int oh, int ow, int co) =>
        (((n * g.Output.T + ot) * g.Output.H + oh) * g.Output.W + ow) * g.OutChannels + co;

    public static bool[] KeptFlags(int size, int[]? kept)
    {
        var flags = new bool[size];
        if (kept is null) Array.Fill(flags, true);
        else foreach (int i in kept) flags[i] = true;
        return flags;
    }
}
