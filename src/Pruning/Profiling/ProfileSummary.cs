using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Profiling;

/// <summary>Summarises a plan's runs into one <see cref="ProfileRow"/> per step and the clip's <see cref="ProfileTotals"/>.</summary>
public static class ProfileSummary
{
    /// <summary>
    /// One row per step of <paramref name="runs"/>. With <paramref name="dense"/> (the dense plan of the same profile),
    /// every conv row also carries the dense time of that conv.
    /// </summary>
    public static IReadOnlyList<ProfileRow> Rows(PlanRuns runs, PlanRuns? dense, ProfileRoofs roofs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(roofs);
        var denseConv = dense is null ? null : DenseConvMilliseconds(dense);
        var rows = new List<ProfileRow>(runs.StepNames.Count);
        for (int s = 0; s < runs.StepNames.Count; s++)
        {
            int layer = runs.StepLayers[s];
            int gate = layer < 0 ? -1 : runs.Layers[layer].Gate;
            double ms = Median(runs, r => runs.StepSeconds(r)[s]) * 1e3;
            double maskMs = gate < 0 ? double.NaN : Median(runs, r => runs.MaskSeconds(r)[gate]) * 1e3;
            double kernelMs = gate < 0 ? ms : Median(runs, r => runs.StepSeconds(r)[s] - runs.MaskSeconds(r)[gate]) * 1e3;
            double macs = layer >= 0 ? Mean(runs, r => runs.Work(r)[layer].Macs)
                : s == runs.ControllerStep ? runs.ControllerMacs : double.NaN;
            double bytes = layer >= 0 ? Mean(runs, r => runs.Work(r)[layer].TotalBytes) : double.NaN;
            double gflops = 2 * macs / kernelMs / 1e6, gbs = bytes / kernelMs / 1e6;
            rows.Add(new ProfileRow(runs.StepNames[s], layer, ms, maskMs, kernelMs, macs, bytes, gflops, 100 * gflops / roofs.Gflops, gbs, 100 * gbs / roofs.GBs,
                Keep(runs, gate, static g => g.FrameKeep), Keep(runs, gate, static g => g.ChannelKeep), Keep(runs, gate, static g => g.FeatureKeep),
                gate < 0 ? null : Kernels(runs, gate), denseConv is null || layer < 0 ? double.NaN : denseConv[layer]));
        }
        return rows;
    }

    /// <summary>The whole clip of <paramref name="runs"/>.</summary>
    public static ProfileTotals Totals(PlanRuns runs, ProfileRoofs roofs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(roofs);
        double ms = Median(runs, runs.ClipSeconds) * 1e3;
        double min = Enumerable.Range(0, runs.Count).Min(runs.ClipSeconds) * 1e3;
        double steps = Median(runs, r => Sum(runs.StepSeconds(r))) * 1e3;
        double macs = Mean(runs, r => Total(runs.Work(r)).Macs) + runs.ControllerMacs;
        double bytes = Mean(runs, r => Total(runs.Work(r)).TotalBytes);
        double gflops = 2 * macs / ms / 1e6;
        return new ProfileTotals(ms, min, steps, macs, bytes, gflops, 100 * gflops / roofs.Gflops, Mean(runs, runs.MaskedMacRatio));
    }

    /// <summary>Median time of every conv of the dense plan, by layer.</summary>
    private static double[] DenseConvMilliseconds(PlanRuns dense)
    {
        var ms = new double[dense.Layers.Count];
        for (int s = 0; s < dense.StepNames.Count; s++)
            if (dense.StepLayers[s] is int layer and >= 0) ms[layer] = Median(dense, r => dense.StepSeconds(r)[s]) * 1e3;
        return ms;
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum;
    }

    private static ConvWorkCounters Total(ReadOnlySpan<ConvWorkCounters> work)
    {
        var total = default(ConvWorkCounters);
        foreach (var w in work) total += w;
        return total;
    }

    private static double Keep(PlanRuns runs, int gate, Func<Inference.GateCounts, double> keep) =>
        gate < 0 ? double.NaN : Mean(runs, r => keep(runs.Gates(r)[gate]));

    /// <summary>The most frequent kernel choice of a gate, with its count when the choice varied between runs.</summary>
    private static string Kernels(PlanRuns runs, int gate)
    {
        var counts = Enumerable.Range(0, runs.Count).GroupBy(r => runs.Gates(r)[gate].Path).OrderByDescending(g => g.Count()).ToList();
        string name = KernelName(counts[0].Key);
        return counts.Count == 1 ? name : $"{name} {counts[0].Count()}/{runs.Count}";
    }

    /// <summary>How profiles name the kernel a gated conv chose.</summary>
    internal static string KernelName(GatedConvPath path) => path == GatedConvPath.SparseInput ? "sparse-input" : "dense-compacted";

    private static double Mean(PlanRuns runs, Func<int, double> value)
    {
        double sum = 0;
        for (int r = 0; r < runs.Count; r++) sum += value(r);
        return sum / runs.Count;
    }

    internal static double Median(PlanRuns runs, Func<int, double> value)
    {
        var values = new double[runs.Count];
        for (int r = 0; r < values.Length; r++) values[r] = value(r);
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
