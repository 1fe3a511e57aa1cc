using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Conv;

/// <summary>
/// Plain-loop gradients of <see cref="Conv3dReference.Forward"/> in double precision: every (output pixel, output
/// channel, tap, input channel) product of the forward pass, differentiated term by term. Proven against finite
/// differences of the forward in Conv3dBackwardTests.
/// </summary>
internal static partial class Conv3dReference
{
    /// <summary>d(loss)/d(input) given d(loss)/d(output).</summary>
    public static double[] BackwardInput(in Conv3dGeometry g, double[] gradOutput, double[] weight)
    {
        var gradInput = new double[g.InputLength];
        ForEachProduct(g, (inIndex, weightIndex, outIndex) => gradInput[inIndex] += gradOutput[outIndex] * weight[weightIndex]);
        return gradInput;
    }

    /// <summary>d(loss)/d(weight) given the forward input and d(loss)/d(output).</summary>
    public static double[] BackwardWeight(in Conv3dGeometry g, double[] input, double[] gradOutput)
    {
        var gradWeight = new double[g.WeightLength];
        ForEachProduct(g, (inIndex, weightIndex, outIndex) => gradWeight[weightIndex] += input[inIndex] * gradOutput[outIndex]);
        return gradWeight;
    }

    /// <summary>d(loss)/d(bias): gradOutput summed over every output pixel.</summary>
    public static double[] BackwardBias(in Conv3dGeometry g, ReadOnlySpan<double> gradOutput)
    {
        var gradBias = new double[g.OutChannels];
        for (int i = 0; i < gradOutput.Length; i++) gradBias[i % g.OutChannels] += gradOutput[i];
        return gradBias;
    }

    private delegate void ProductVisitor(int inIndex, int weightIndex, int outIndex);

    /// <summary>Visits the (input, weight, output) indices of every product the forward pass sums, padding taps excluded.</summary>
    private static void ForEachProduct(in Conv3dGeometry g, ProductVisitor visit)
    {
        int cinG = g.InChannelsPerGroup, coutG = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        for (int ot = 0; ot < g.Output.T; ot++)
        for (int oh = 0; oh < g.Output.H; oh++)
        for (int ow = 0; ow < g.Output.W; ow++)
        for (int co = 0; co < g.OutChannels; co++)
        {
            int group = co / coutG, outIndex = OutputIndex(g, n, ot, oh, ow, co);
            for (int kt = 0; kt < g.Kernel.T; kt++)
            for (int kh = 0; kh < g.Kernel.H; kh++)
            for (int kw = 0; kw < g.Kernel.W; kw++)
            {
                if (!InputIndex(g, n, ot, oh, ow, kt, kh, kw, out int inBase, out _)) continue;
                for (int ci = 0; ci < cinG; ci++)
                    visit(inBase + group * cinG + ci, WeightIndex(g, kt, kh, kw, ci, co), outIndex);
            }
        }
    }
}
