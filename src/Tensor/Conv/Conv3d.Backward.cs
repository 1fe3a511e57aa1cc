namespace NativeDance.Tensors.Conv;

// TEMPORARY naive stand-in so the peer tests and benchmarks compile on this branch; the real kernels replace this file.
public static partial class Conv3d
{
    /// <summary>gradInput = d(sum(output * gradOutput)) / d(input).</summary>
    public static void BackwardInput(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput)
    {
        var acc = new double[g.InputLength];
        var gradWeight = new double[g.WeightLength];
        Visit(g, gradOutput, weight, default, acc, gradWeight, input: true);
        for (int i = 0; i < acc.Length; i++) gradInput[i] = (float)acc[i];
    }

    /// <summary>gradWeight and gradBias of sum(output * gradOutput).</summary>
    public static void BackwardWeight(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias)
    {
        var accIn = new double[g.InputLength];
        var acc = new double[g.WeightLength];
        Visit(g, gradOutput, default, input, accIn, acc, input: false);
        for (int i = 0; i < acc.Length; i++) gradWeight[i] = (float)acc[i];
        if (gradBias.IsEmpty) return;
        for (int co = 0; co < g.OutChannels; co++)
        {
            double s = 0;
            for (int p = co; p < g.OutputLength; p += g.OutChannels) s += gradOutput[p];
            gradBias[co] = (float)s;
        }
    }

    private static void Visit(in Conv3dGeometry g, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, ReadOnlySpan<float> x,
        double[] gradInput, double[] gradWeight, bool input)
    {
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        for (int ot = 0; ot < g.Output.T; ot++)
        for (int oh = 0; oh < g.Output.H; oh++)
        for (int ow = 0; ow < g.Output.W; ow++)
        for (int kt = 0; kt < g.Kernel.T; kt++)
        {
            int it = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            if ((uint)it >= (uint)g.Input.T) continue;
            for (int kh = 0; kh < g.Kernel.H; kh++)
            {
                int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                if ((uint)ih >= (uint)g.Input.H) continue;
                for (int kw = 0; kw < g.Kernel.W; kw++)
                {
                    int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                    if ((uint)iw >= (uint)g.Input.W) continue;
                    int outBase = (((n * g.Output.T + ot) * g.Output.H + oh) * g.Output.W + ow) * g.OutChannels;
                    int inBase = (((n * g.Input.T + it) * g.Input.H + ih) * g.Input.W + iw) * g.InChannels;
                    int wBase = ((kt * g.Kernel.H + kh) * g.Kernel.W + kw) * cinG * g.OutChannels;
                    for (int co = 0; co < g.OutChannels; co++)
                    {
                        int group = co / coutG;
                        double go = gradOutput[outBase + co];
                        for (int ci = 0; ci < cinG; ci++)
                        {
                            int w = wBase + ci * g.OutChannels + co;
                            if (input) gradInput[inBase + group * cinG + ci] += go * weight[w];
                            else gradWeight[w] += go * x[inBase + group * cinG + ci];
                        }
                    }
                }
            }
        }
    }
}
