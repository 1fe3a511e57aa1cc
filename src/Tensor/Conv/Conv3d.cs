namespace NativeDance.Tensors.Conv;

/// <summary>
/// 3D convolution on channels-last activations (see <see cref="Conv3dGeometry"/> for layouts).
/// </summary>
public static partial class Conv3d
{
    /// <summary>
    /// output = conv(input, weight) + bias. <paramref name="bias"/> may be empty. With a <paramref name="mask"/>,
    /// dropped frames and channels of the input count as zeros and their work is skipped.
    /// </summary>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> output, Conv3dInputMask? mask = null)
    {
        g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        g.RequireLength(nameof(weight), weight.Length, g.WeightLength, g.WeightShape);
        g.RequireLength(nameof(output), output.Length, g.OutputLength, g.OutputShape);
        if (!bias.IsEmpty) g.RequireLength(nameof(bias), bias.Length, g.OutChannels, new Shape(g.OutChannels));
        mask?.RequireFits(g);
        var frameKept = new bool[g.Input.T];
        var channelKept = new bool[g.InChannels];
        if (mask is null) { Array.Fill(frameKept, true); Array.Fill(channelKept, true); }
        else { foreach (int t in mask.KeptFrames) frameKept[t] = true; foreach (int c in mask.KeptChannels) channelKept[c] = true; }
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
            {
                int it = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
                if ((uint)it >= (uint)g.Input.T || !frameKept[it]) continue;
                for (int kh = 0; kh < g.Kernel.H; kh++)
                {
                    int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                    if ((uint)ih >= (uint)g.Input.H) continue;
                    for (int kw = 0; kw < g.Kernel.W; kw++)
                    {
                        int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                        if ((uint)iw >= (uint)g.Input.W) continue;
                        int inBase = (((n * g.Input.T + it) * g.Input.H + ih) * g.Input.W + iw) * g.InChannels + group * cinG;
                        int wBase = ((kt * g.Kernel.H + kh) * g.Kernel.W + kw) * cinG * g.OutChannels + co;
                        for (int ci = 0; ci < cinG; ci++)
                            if (channelKept[group * cinG + ci])
                                acc += (double)input[inBase + ci] * weight[wBase + ci * g.OutChannels];
                    }
                }
            }
            output[(((n * g.Output.T + ot) * g.Output.H + oh) * g.Output.W + ow) * g.OutChannels + co] = (float)acc;
        }
    }
}
