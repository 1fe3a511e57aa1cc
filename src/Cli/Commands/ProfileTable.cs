using NativeDance.Pruning.Profiling;

namespace NativeDance.Cli.Commands;

/// <summary>Prints a profile: the roofs, one table per plan (a gated plan's with its masks, keep ratios and kernels), the totals and the gated/dense speedup.</summary>
internal static class ProfileTable
{
    public static void Print(TextWriter o, ModelProfile profile, ProfileRoofs roofs, string title, string gating)
    {
        o.WriteLine(title);
        o.WriteLine($"machine (measured): {roofs.Description}");
        o.WriteLine($"gating: {gating}");
        o.WriteLine($"times: median over {profile.Clips * profile.Repeats} runs; MMAC, MB: mean per clip; rates: mean work / median time of the step's compute (a gated conv's step less its masks)");
        var denseTotals = ProfileSummary.Totals(profile.Dense, roofs);
        PrintPlan(o, profile.Dense, null, denseTotals, roofs);
        if (profile.Gated is not { } gated) return;
        var gatedTotals = ProfileSummary.Totals(gated, roofs);
        PrintPlan(o, gated, profile.Dense, gatedTotals, roofs);
        o.WriteLine($"gated/dense: {denseTotals.Milliseconds / gatedTotals.Milliseconds:F2}x per clip at the median ({denseTotals.Milliseconds:F3} -> {gatedTotals.Milliseconds:F3} ms), "
            + $"{denseTotals.MinMilliseconds / gatedTotals.MinMilliseconds:F2}x at the fastest; executed MACs {gatedTotals.Macs / denseTotals.Macs:F3} of dense, R(x) {gatedTotals.MaskedMacRatio:F3}");
    }

    private static void PrintPlan(TextWriter o, PlanRuns runs, PlanRuns? dense, ProfileTotals totals, ProfileRoofs roofs)
    {
        bool gated = runs.IsGated;
        o.WriteLine();
        o.WriteLine($"{runs.Name} ({runs.Device})");
        string gateHeader = gated ? $" {"mask ms",8} {"frames",6} {"chans",6} {"feats",6} {"kernel",-20} {"x dense",7}" : "";
        o.WriteLine($"{"step",-26} {"ms",8} {"MMAC",9} {"MB",8} {"GFLOP/s",8} {"%peak",6} {"GB/s",7} {"%bw",6}{gateHeader}");
        foreach (var row in ProfileSummary.Rows(runs, dense, roofs))
        {
            string gate = gated
                ? $" {F(row.MaskMilliseconds, 8, "F3")} {P(row.FrameKeep)} {P(row.ChannelKeep)} {P(row.FeatureKeep)} {row.Kernel ?? "-",-20} {(double.IsNaN(row.Speedup) ? "-" : $"{row.Speedup:F2}x"),7}"
                : "";
            o.WriteLine($"{Name(row.Step),-26} {row.Milliseconds,8:F3} {F(row.Macs / 1e6, 9, "F2")} {F(row.Bytes / 1e6, 8, "F2")} {F(row.Gflops, 8, "F1")} "
                + $"{F(row.PeakPercent, 6, "F1")} {F(row.GBs, 7, "F1")} {F(row.BandwidthPercent, 6, "F1")}{gate}");
        }
        o.WriteLine($"{"total per clip",-26} {totals.Milliseconds,8:F3} {totals.Macs / 1e6,9:F2} {totals.Bytes / 1e6,8:F2} {totals.Gflops,8:F1} {totals.PeakPercent,6:F1}"
            + $"   (steps {totals.StepMilliseconds:F3} ms, fastest clip {totals.MinMilliseconds:F3} ms)");
    }

    private static string Name(string step) => step.Length <= 26 ? step : step[..25] + "~";

    private static string F(double value, int width, string format) => double.IsNaN(value) ? "-".PadLeft(width) : value.ToString(format).PadLeft(width);

    private static string P(double fraction) => double.IsNaN(fraction) ? "-".PadLeft(6) : $"{fraction,6:P0}";
}
