using System.Globalization;
using System.Text;
using System.Text.Json;
using NativeDance.Bench.Reporting;
using NativeDance.Pruning.Reports;

namespace NativeDance.Bench.EndToEnd;

/// <summary>One contestant's per-clip latency on one model at one thread count.</summary>
internal sealed record EndToEndResult(string Model, int Threads, string Runtime, string Mode, double MedianMs, double MinMs, int Runs);

/// <summary>What the report says about a model besides its timings: clip, gating, keep ratios, agreement of the runtimes.</summary>
internal sealed record ModelNote(string Model, string Clip, string Gating, IReadOnlyList<(string Gate, GateKeep Keep)> Keeps, double MacRatio,
    IReadOnlyList<(string Contestant, double Nmse)> Agreement, StepProfile Dense, StepProfile Gated);

/// <summary>
/// Collects the end-to-end results and writes e2e-cpu.json (one object per model, thread count and contestant),
/// e2e-cpu.md (tables, issue 6's targets checked against the medians, the gating and the machine) and e2e-cpu.png.
/// </summary>
internal sealed class EndToEndReport(EndToEndOptions options)
{
    /// <summary>Issue 6: our dense plan at least as fast as the faster peer (ratio of the peer's time to ours).</summary>
    public const double DenseTarget = 1.0;

    /// <summary>Issue 6: the gated plan at least this much faster than the faster peer.</summary>
    public const double GatedTarget = 2.5;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public List<EndToEndResult> Results { get; } = [];

    public List<ModelNote> Notes { get; } = [];

    /// <summary>Steps listed per plan in the report: the slowest ones.</summary>
    private const int ProfiledSteps = 8;

    /// <summary>
    /// Records the model's clip, gating, the gated plan's keep ratios on the model's clips, the logits' agreement and
    /// where both plans spend their time.
    /// </summary>
    public void Describe(BenchModel model, PlanContestant dense, PlanContestant gated, IReadOnlyList<(string Contestant, double Nmse)> agreement, int threads)
    {
        var (keeps, macRatio) = GateKeep.Measure(gated.Plan, model.Clips);
        var names = gated.Plan.Layers.Where(l => l.Gate >= 0).Select(l => l.Name).ToList();
        Notes.Add(new ModelNote(model.Name, $"{model.Spec.Frames}x{model.Spec.Size}x{model.Spec.Size}", model.Gating,
            [.. names.Zip(keeps)], macRatio, agreement, StepProfile.Measure(dense.Plan, model.Clips, threads), StepProfile.Measure(gated.Plan, model.Clips, threads)));
    }

    public IReadOnlyList<string> Write(string directory, string command)
    {
        Directory.CreateDirectory(directory);
        string json = Path.Combine(directory, "e2e-cpu.json");
        string markdown = Path.Combine(directory, "e2e-cpu.md");
        string plot = Path.Combine(directory, "e2e-cpu.png");
        var rows = Results.Select(r => new Dictionary<string, object>
        {
            ["model"] = r.Model, ["threads"] = r.Threads, ["runtime"] = r.Runtime, ["mode"] = r.Mode,
            ["median_ms"] = Math.Round(r.MedianMs, 4), ["min_ms"] = Math.Round(r.MinMs, 4),
        });
        File.WriteAllText(json, JsonSerializer.Serialize(rows, JsonOptions) + "\n");
        File.WriteAllText(markdown, Markdown(command, Path.GetFileName(plot)));
        Chart().SavePng(plot);
        return [json, markdown, plot];
    }

    private string Markdown(string command, string plot)
    {
        var machine = MachineDescription.Current();
        var s = new StringBuilder();
        s.AppendLine("# End to end on the CPU: ours against libtorch and ONNX Runtime");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"`{command}`");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"{machine.Cpu}, {machine.LogicalCores} logical cores, {machine.Os}, {machine.DotNet}; libtorch {machine.LibTorch} (TorchSharp-cpu), ONNX Runtime {machine.OnnxRuntime}; {machine.MeasuredUtc:yyyy-MM-dd HH:mm} UTC{MachineDescription.LoadAverage()}.");
        s.AppendLine();
        s.Append(CultureInfo.InvariantCulture, $"Per-clip latency at batch 1, fp32, in ms: median (min) over {options.Rounds} rounds that alternate the contestants in one process, each round running every contestant for about a quarter of a second after a warm-up. ");
        s.AppendLine("Same weights everywhere: libtorch runs the twin loaded from our checkpoint, ONNX Runtime the graph exported from our weights (batch norm as BatchNormalization nodes, which it folds into the convs), "
            + "each in its own layout (clips converted before timing); threads pinned (our ParallelFor.Threads, torch.set_num_threads, ORT IntraOpNumThreads with sequential execution). "
            + "\"vs faster peer\" is the faster peer's median over ours: above 1 we are faster.");
        s.AppendLine();
        s.AppendLine("| model | threads | ours dense | ours gated | libtorch | ONNX Runtime | dense vs faster peer | gated vs faster peer |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in Results.GroupBy(r => (r.Model, r.Threads)))
        {
            var dense = Find(group, "ours", "dense");
            var gated = Find(group, "ours", "gated");
            var torch = Find(group, "libtorch", "dense");
            var ort = Find(group, "onnxruntime", "dense");
            double peer = Math.Min(torch.MedianMs, ort.MedianMs);
            s.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Model} | {group.Key.Threads} | {Cell(dense)} | {Cell(gated)} | {Cell(torch)} | {Cell(ort)} | {Verdict(peer / dense.MedianMs, DenseTarget)} | {Verdict(peer / gated.MedianMs, GatedTarget)} |");
        }
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Issue 6's targets: dense at least {DenseTarget:F1}x the faster peer, gated at least {GatedTarget:F1}x (medians; a check mark where met).");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"![ms per clip]({plot})");
        s.AppendLine();
        s.AppendLine("## Gating");
        s.AppendLine();
        foreach (var note in Notes)
        {
            s.Append(CultureInfo.InvariantCulture, $"**{note.Model}** ({note.Clip} clips): gated by {note.Gating}. Executed conv MACs {note.MacRatio:P1} of dense (means over the benchmark clips). ");
            s.AppendLine(CultureInfo.InvariantCulture, $"Logits against our dense plan on the first clip, NMSE: {string.Join(", ", note.Agreement.Select(a => $"{a.Contestant} {a.Nmse:E1}"))}.");
            s.AppendLine();
            s.AppendLine("| gated conv | frames kept | channels kept | features kept |");
            s.AppendLine("|---|---:|---:|---:|");
            foreach (var (gate, keep) in note.Keeps)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {gate} | {keep.Frames:P0} | {keep.Channels:P0} | {keep.Features:P0} |");
            s.AppendLine();
            Profile(s, "dense", note.Dense);
            Profile(s, "gated", note.Gated);
        }
        return s.ToString();
    }

    private static void Profile(StringBuilder s, string plan, StepProfile profile)
    {
        s.AppendLine(CultureInfo.InvariantCulture, $"Our {plan} plan's {ProfiledSteps} slowest steps at {profile.Threads} thread(s) (median ms over the clips, timed one step at a time; all {profile.Steps.Count} steps: {profile.TotalMs:F2} ms):");
        s.AppendLine();
        s.AppendLine("| step | ms | share |");
        s.AppendLine("|---|---:|---:|");
        foreach (var (step, ms) in profile.Steps.OrderByDescending(x => x.Ms).Take(ProfiledSteps))
            s.AppendLine(CultureInfo.InvariantCulture, $"| {step} | {ms:F2} | {ms / profile.TotalMs:P0} |");
        s.AppendLine();
    }

    private BarChart Chart()
    {
        var categories = Results.Select(r => $"{r.Model} {r.Threads}T").Distinct().ToList();
        var chart = new BarChart(categories) { Title = "Per-clip CPU latency, batch 1 (median)", YLabel = "ms per clip (log)", LogY = true, Width = 1000 };
        foreach (var (runtime, mode, label) in new[] { ("ours", "dense", "ours dense"), ("ours", "gated", "ours gated"), ("libtorch", "dense", "libtorch"), ("onnxruntime", "dense", "ONNX Runtime") })
        {
            chart.AddSeries(label, [.. categories.Select(c => Results.FirstOrDefault(r => $"{r.Model} {r.Threads}T" == c && r.Runtime == runtime && r.Mode == mode)?.MedianMs ?? double.NaN)]);
        }
        return chart;
    }

    private static EndToEndResult Find(IEnumerable<EndToEndResult> group, string runtime, string mode) => group.Single(r => r.Runtime == runtime && r.Mode == mode);

    private static string Cell(EndToEndResult r) => string.Create(CultureInfo.InvariantCulture, $"{r.MedianMs:F2} ({r.MinMs:F2})");

    private static string Verdict(double ratio, double target) => string.Create(CultureInfo.InvariantCulture, $"{ratio:F2}x{(ratio >= target ? " ✓" : "")}");
}
