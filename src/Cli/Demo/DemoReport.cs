using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NativeDance.Pruning.Methods;
using NativeDance.Pruning.Reports;

namespace NativeDance.Cli.Demo;

/// <summary>Writes the demo's report folder: report.md, summary.json and the PNG plots it links.</summary>
internal static class DemoReport
{
    private const string AccuracyPlot = "accuracy-vs-macs.png";
    private const string KeepPlot = "keep-ratios.png";
    private const string MacPlot = "mac-distribution.png";

    public static void Write(DemoResults r, string folder)
    {
        var histograms = VariabilityHistograms.Save(r.VariabilityBefore, r.VariabilityAfter, folder);
        WriteAccuracyPlot(r, Path.Combine(folder, AccuracyPlot));
        if (r.DanceTest is { } test)
        {
            new BarChart(test.Gates.Select(g => r.GateNames[g.Gate]).ToList()) { Title = "DANCE keep ratios per gated conv (test mean)", YLabel = "kept share", YMin = 0, YMax = 1 }
                .AddSeries("frames", test.Gates.Select(g => g.Frames).ToList())
                .AddSeries("channels", test.Gates.Select(g => g.Channels).ToList())
                .AddSeries("features", test.Gates.Select(g => g.Features).ToList())
                .AddSeries("MACs", test.Gates.Select(g => g.Macs).ToList())
                .SavePng(Path.Combine(folder, KeepPlot));
            new HistogramChart { Title = "Executed conv MACs per clip under DANCE (test)", XLabel = "executed MACs / dense MACs", YLabel = "clips", Bins = 30 }
                .AddSeries("DANCE", test.MacRatios)
                .SavePng(Path.Combine(folder, MacPlot));
        }
        DemoSummary.Write(r, Path.Combine(folder, "summary.json"));
        AtomicFile.Write(Path.Combine(folder, "report.md"), s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false));
            w.Write(Markdown(r, histograms));
        });
    }

    private static void WriteAccuracyPlot(DemoResults r, string path)
    {
        var chart = new ScatterChart { Title = "Test accuracy vs executed conv MACs", XLabel = "executed MACs / dense MACs", YLabel = "top-1 accuracy (%)", XMin = 0, XMax = 1.05, Width = 1600, Height = 600 };
        chart.AddSeries("dense", [1.0], [100 * r.DenseAccuracy]);
        if (r.Dance is { } dance) chart.AddSeries("DANCE", [dance.MacRatio], [100 * dance.Accuracy]);
        if (r.Calibration.Count > 0)
            chart.AddSeries("DANCE scale sweep (validation)", r.Calibration.Select(p => p.MacRatio).ToList(), r.Calibration.Select(p => 100 * p.Accuracy).ToList(), connect: true);
        foreach (var m in r.Methods) chart.AddSeries(m.Name, [m.MacRatio], [100 * m.Accuracy]);
        chart.SavePng(path);
    }

    private static string Markdown(DemoResults r, IReadOnlyList<string> histograms)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# DANCE demo: {r.Model} on {r.Dataset}");
        md.AppendLine();
        md.AppendLine(inv, $"{r.TrainClips} training clips, {r.EvalClips} validation and {r.EvalClips} test clips of {r.Clip} (T x H x W x C); {r.Threads} threads on {RuntimeInformation.OSArchitecture} ({Environment.ProcessorCount} logical processors), {RuntimeInformation.FrameworkDescription}. Wall time {r.WallSeconds:F0} s.");
        md.AppendLine();
        md.AppendLine("## Headline");
        md.AppendLine();
        md.AppendLine(inv, $"- Dense test accuracy: {r.DenseAccuracy:P2}; after AVA: {r.AvaAccuracy:P2}.");
        if (r.Dance is { } d)
            md.AppendLine(inv, $"- DANCE: {d.Accuracy:P2} at {d.MacRatio:F3} of the dense conv MACs ({1 - d.MacRatio:P1} removed, controller included), {100 * (r.DenseAccuracy - d.Accuracy):F2} points below dense; {d.Note}.");
        if (r.Latency is { } l)
            md.AppendLine(inv, $"- Per-clip CPU latency (batch 1, our inference plan, median over {LatencyComparison.Rounds} rounds of {l.Clips} clips, the plans taking turns round by round): dense {l.DenseMs:F3} ms, gated {l.GatedMs:F3} ms: **{l.Speedup:F2}x**; the masks leave {l.MaskedBytesRatio:P1} of the dense convs' least memory traffic (kept non-zero inputs, kept channels' weights and outputs, each once; {1 - l.MaskedBytesRatio:P1} saved); as the kernels count their bytes, tiling re-reads included, the gated plan moves {l.KernelBytesRatio:F2}x the dense plan's.");
        md.AppendLine();
        md.AppendLine("## Methods at matched MACs (test split)");
        md.AppendLine();
        md.AppendLine("MAC ratios are METHOD.md's R(x): executed conv MACs over the dense model's, an input element costing nothing when a mask drops it or when it is exactly zero. The row \"dense, zeros skipped\" is the unpruned model in the same units: its ReLU zeros alone put it below 1.");
        md.AppendLine();
        md.AppendLine("| method | kind | accuracy | MAC ratio | how the operating point was chosen |");
        md.AppendLine("| --- | --- | ---: | ---: | --- |");
        md.AppendLine(inv, $"| dense | dense | {r.DenseAccuracy:P2} | 1.000 | |");
        foreach (var m in (r.Dance is null ? [] : new[] { r.Dance }).Concat(r.Methods))
            md.AppendLine(inv, $"| {m.Name} | {m.Kind.ToString().ToLowerInvariant()} | {m.Accuracy:P2} | {m.MacRatio:F3} | {m.Note} |");
        md.AppendLine();
        md.AppendLine(inv, $"![accuracy vs MACs]({AccuracyPlot})");
        md.AppendLine();
        if (r.DanceTest is { } test)
        {
            md.AppendLine("## What DANCE keeps, per gated conv (test mean)");
            md.AppendLine();
            md.AppendLine("| conv | frames | channels | features | MACs |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var g in test.Gates)
                md.AppendLine(inv, $"| {r.GateNames[g.Gate]} | {g.Frames:P1} | {g.Channels:P1} | {g.Features:P1} | {g.Macs:P1} |");
            md.AppendLine();
            md.AppendLine(inv, $"![keep ratios]({KeepPlot}) ![MACs per clip]({MacPlot})");
            md.AppendLine();
            md.AppendLine("Calibration of the global scale on the validation split:");
            md.AppendLine();
            md.AppendLine("| scale | validation accuracy | MAC ratio |");
            md.AppendLine("| ---: | ---: | ---: |");
            foreach (var p in r.Calibration)
                md.AppendLine(inv, $"| {p.Scale:F2}{(p.Scale == r.Scale ? " (chosen)" : "")} | {p.Accuracy:P2} | {p.MacRatio:F3} |");
            md.AppendLine();
        }
        md.AppendLine("## Activation variability before and after AVA (validation)");
        md.AppendLine();
        md.AppendLine("| conv input | CV2 elements | CV2 channels | CV2 frames |");
        md.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (b, a) in r.VariabilityBefore.Zip(r.VariabilityAfter))
            md.AppendLine(inv, $"| {b.Conv} | {b.Elements:F3} -> {a.Elements:F3} | {b.Channels:F4} -> {a.Channels:F4} | {b.Frames:F4} -> {a.Frames:F4} |");
        md.AppendLine();
        md.AppendLine(string.Join(" ", histograms.Select(h => $"![{h}]({h})")));
        md.AppendLine();
        md.AppendLine("## Stages");
        md.AppendLine();
        md.AppendLine("| stage | seconds |");
        md.AppendLine("| --- | ---: |");
        foreach (var (name, seconds) in r.Stages) md.AppendLine(inv, $"| {name} | {seconds:F1} |");
        return md.ToString();
    }
}
