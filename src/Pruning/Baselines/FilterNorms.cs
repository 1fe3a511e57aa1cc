using NativeDance.Models.Layers;

namespace NativeDance.Pruning.Baselines;

/// <summary>Filter magnitudes of a conv, the criterion of static channel pruning.</summary>
public static class FilterNorms
{
    /// <summary>The L1 norm of each output channel's filter: sum of |w| over [kT, kH, kW, Cin/groups] for each of Cout.</summary>
    public static double[] L1(Conv3d conv)
    {
        var w = conv.Weight.Value;
        using var dense = w.Contiguous();
        var values = dense.Span;
        int outputs = conv.OutChannels;
        var norms = new double[outputs];
        for (int i = 0; i < values.Length; i++) norms[i % outputs] += Math.Abs(values[i]);
        return norms;
    }

    /// <summary>Output channels of <paramref name="conv"/> from the largest L1 norm to the smallest (ties: lower index first).</summary>
    public static int[] RankByL1(Conv3d conv)
    {
        var norms = L1(conv);
        return Enumerable.Range(0, norms.Length).OrderByDescending(c => norms[c]).ThenBy(c => c).ToArray();
    }
}
