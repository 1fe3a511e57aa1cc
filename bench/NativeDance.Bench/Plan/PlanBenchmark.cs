using System.Globalization;
using System.Text;
using NativeDance.Autograd;
using NativeDance.Bench.Reporting;
using NativeDance.Data;
using NativeDance.Data.Procedural;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors;
using NativeDance.Tensors.Threading;

namespace NativeDance.Bench.Plan;

/// <summary>
/// Dense plan vs gated plan on the same clips in one process: per-clip latency (rounds alternate the two plans, so
/// machine noise hits both), where the time goes per step, and what the gates kept. Trains nothing: it loads a trained
/// model and controller, or builds tiny C3D with random weights and a random controller.
/// </summary>
internal static class PlanBenchmark
{
    private const int RandomClasses = 10;

    public static int Run(PlanBenchOptions options, string command, string resultsDirectory)
    {
        if (options.Threads is { } threads) ParallelFor.Threads = threads;
        var setup = Setup.Load(options);
        var clips = ReadClips(setup.Spec, options.Clips);
        Console.WriteLine($"{setup.Description}; {options.Clips} procedural test clips of {setup.Spec.Frames}x{setup.Spec.Size}x{setup.Spec.Size}; {ParallelFor.Threads} threads");
        using var dense = InferencePlan.Compile(setup.Model, setup.Spec.Frames, setup.Spec.Size, setup.Spec.Size);
        using var gated = InferencePlan.Compile(setup.Model, setup.Spec.Frames, setup.Spec.Size, setup.Spec.Size, setup.Controller, setup.Scale);

        var denseRounds = new List<PlanLatency>();
        var gatedRounds = new List<PlanLatency>();
        for (int round = 0; round < options.Rounds; round++)
        {
            denseRounds.Add(PlanLatency.Measure(dense, clips, options.Repeats));
            gatedRounds.Add(PlanLatency.Measure(gated, clips, options.Repeats));
            Console.WriteLine($"round {round + 1}: dense {denseRounds[^1].MedianMs:F3} ms, gated {gatedRounds[^1].MedianMs:F3} ms per clip (medians)");
        }
        var report = new PlanReport(setup.Description, command, options, ParallelFor.Threads,
            Summary(denseRounds), Summary(gatedRounds), Profile(dense, clips, options.Repeats), Profile(gated, clips, options.Repeats),
            GateKeeps(gated, clips), Agreement(dense, gated, clips));
        string text = report.Markdown();
        Console.WriteLine();
        Console.WriteLine(text);
        if (setup.Trained)
        {
            Directory.CreateDirectory(resultsDirectory);
            string path = Path.Combine(resultsDirectory, "plan-cpu.md");
            File.WriteAllText(path, text);
            Console.WriteLine($"wrote {path}");
        }
        else
        {
            Console.WriteLine("(random weights and controller: nothing written; pass --model and --controller of a trained run for plan-cpu.md)");
        }
        return 0;
    }

    private static float[] ReadClips(ModelSpec spec, int count)
    {
        var dataset = new ProceduralVideoDataset(DatasetSplit.Test, count, new ClipSpec(spec.Frames, spec.Size, spec.Size, 3), seed: 5);
        int length = dataset.Spec.ElementCount;
        var clips = new float[count * length];
        for (int i = 0; i < count; i++) dataset.ReadClip(i, clips.AsSpan(i * length, length));
        return clips;
    }

    /// <summary>The median of the round medians and the fastest run of all rounds.</summary>
    private static PlanLatency Summary(List<PlanLatency> rounds)
    {
        var medians = rounds.Select(r => r.MedianMs).Order().ToList();
        return new PlanLatency(medians[medians.Count / 2], rounds.Min(r => r.MinMs), rounds.Sum(r => r.Runs));
    }

    /// <summary>
    /// Median and fastest milliseconds of every step over every clip, <paramref name="repeats"/> times each; after each
    /// gated conv's step, the part of it its masks took.
    /// </summary>
    private static IReadOnlyList<StepTime> Profile(InferencePlan plan, float[] clips, int repeats)
    {
        plan.CollectTimings = true;
        var samples = plan.StepNames.Select(_ => new List<double>()).ToList();
        var masks = plan.Counters.GateMaskSeconds.ToArray().Select(_ => new List<double>()).ToList();
        var logits = new float[plan.Classes];
        for (int r = 0; r < repeats; r++)
        for (int i = 0; i < clips.Length / plan.ClipLength; i++)
        {
            plan.Run(clips.AsSpan(i * plan.ClipLength, plan.ClipLength), logits);
            for (int s = 0; s < samples.Count; s++) samples[s].Add(plan.Counters.StepSeconds[s] * 1e3);
            for (int g = 0; g < masks.Count; g++) masks[g].Add(plan.Counters.GateMaskSeconds[g] * 1e3);
        }
        plan.CollectTimings = false;
        var gateOfStep = plan.Layers.Where(l => l.Gate >= 0).ToDictionary(l => $"{l.Name} gated", l => l.Gate);
        var times = new List<StepTime>();
        for (int s = 0; s < samples.Count; s++)
        {
            string name = plan.StepNames[s];
            times.Add(new StepTime(name, Median(samples[s]), samples[s].Min(), Part: false));
            if (gateOfStep.TryGetValue(name.Split('+')[0], out int gate))
                times.Add(new StepTime($"&nbsp;&nbsp;of which masks", Median(masks[gate]), masks[gate].Min(), Part: true));
        }
        return times;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Mean keep ratios and MAC fraction per gate over the clips, and the plan's mean executed-MAC ratio and R(x).</summary>
    private static (IReadOnlyList<GateSummary> Gates, double MacRatio, double MaskedRatio) GateKeeps(InferencePlan plan, float[] clips)
    {
        int count = clips.Length / plan.ClipLength;
        var logits = new float[plan.Classes];
        var sums = new double[plan.Layers.Count(l => l.Gate >= 0), 4];
        var sparse = new int[sums.GetLength(0)];
        double ratio = 0, masked = 0;
        for (int i = 0; i < count; i++)
        {
            plan.Run(clips.AsSpan(i * plan.ClipLength, plan.ClipLength), logits);
            ratio += plan.Counters.ExecutedMacRatio;
            masked += plan.Counters.MaskedMacRatio;
            for (int g = 0; g < sums.GetLength(0); g++)
            {
                var c = plan.Counters.Gates[g];
                sums[g, 0] += c.FrameKeep;
                sums[g, 1] += c.ChannelKeep;
                sums[g, 2] += c.FeatureKeep;
                sums[g, 3] += c.MacFraction;
                if (c.Path == Tensors.Conv.GatedConvPath.SparseInput) sparse[g]++;
            }
        }
        var gates = plan.Layers.Where(l => l.Gate >= 0).Select(l => new GateSummary(l.Name, sums[l.Gate, 0] / count, sums[l.Gate, 1] / count,
            sums[l.Gate, 2] / count, sums[l.Gate, 3] / count, (double)sparse[l.Gate] / count)).ToList();
        return (gates, ratio / count, masked / count);
    }

    /// <summary>Share of clips on which the two plans predict the same class.</summary>
    private static double Agreement(InferencePlan dense, InferencePlan gated, float[] clips)
    {
        int count = clips.Length / dense.ClipLength, same = 0;
        var a = new float[dense.Classes];
        var b = new float[gated.Classes];
        for (int i = 0; i < count; i++)
        {
            var clip = clips.AsSpan(i * dense.ClipLength, dense.ClipLength);
            dense.Run(clip, a);
            gated.Run(clip, b);
            if (Array.IndexOf(a, a.Max()) == Array.IndexOf(b, b.Max())) same++;
        }
        return (double)same / count;
    }

    /// <summary>The model, its controller and scale, and how they were obtained.</summary>
    private sealed record Setup(Module Model, ModelSpec Spec, AapController Controller, float Scale, bool Trained, string Description)
    {
        public static Setup Load(PlanBenchOptions options)
        {
            if (options.Model is null) return Random();
            var meta = ModelCheckpoint.ReadMetadata(options.Model);
            string Need(string key) => meta.TryGetValue(key, out var v) ? v : throw new ArgumentException($"{options.Model} does not record '{key}'; was it written by dance train?");
            var spec = new ModelSpec(Need("arch"), Parse(Need("classes")), float.Parse(Need("width"), CultureInfo.InvariantCulture),
                Parse(Need("frames")), Parse(Need("size")));
            var model = ModelZoo.Create(spec);
            ModelCheckpoint.Load(model, options.Model);
            model.Eval();
            if (options.Controller is null)
                return new Setup(model, spec, RandomController(model, spec), 1f, false, $"{spec.Architecture} from {options.Model}, random controller");
            var controllerMeta = ModelCheckpoint.ReadMetadata(options.Controller);
            var controller = new AapController(FeatureCount(model, spec), ((IGatedNetwork)model).Gates.Count);
            ModelCheckpoint.Load(controller, options.Controller);
            float scale = controllerMeta.TryGetValue("scale", out var s) ? float.Parse(s, CultureInfo.InvariantCulture) : 1f;
            return new Setup(model, spec, controller, scale, true, $"{spec.Architecture} from {options.Model}, controller from {options.Controller} (scale {scale:F2})");
        }

        private static Setup Random()
        {
            var spec = new ModelSpec("tiny-c3d", RandomClasses, Frames: 16, Size: 32, Seed: 1);
            var model = ModelZoo.Create(spec);
            model.Eval();
            return new Setup(model, spec, RandomController(model, spec), 1f, false, "tiny-c3d with random weights, random controller");
        }

        /// <summary>
        /// A controller with random hidden weights whose multipliers sit near kF 0.5, kC 0.5, kE 1.0: on a random network
        /// that keeps nearly all frames, most channels and about half the features, DANCE's typical regime.
        /// </summary>
        private static AapController RandomController(Module model, ModelSpec spec)
        {
            var controller = new AapController(FeatureCount(model, spec), ((IGatedNetwork)model).Gates.Count, seed: 9);
            var bias = controller.NamedParameters().First(p => p.Name == "fc3.bias").Parameter.Value.Span;
            for (int i = 0; i < bias.Length; i++) bias[i] = InverseSoftplus(i % 3 == 2 ? 1f : 0.5f);
            return controller;
        }

        private static int FeatureCount(Module model, ModelSpec spec)
        {
            using var clip = Tensor.Zeros(new Shape(1, spec.Frames, spec.Size, spec.Size, 3));
            using (GradMode.NoGrad())
            {
                var shape = ((IGatedNetwork)model).ForwardStem(Variable.Constant(clip)).Shape;
                return ControllerFeatures.Count(shape[4], shape[1]);
            }
        }

        private static float InverseSoftplus(float k) => MathF.Log(MathF.Exp(k) - 1f);

        private static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);
    }
}

/// <summary>One gate's mean keep ratios over the clips, and how often the sparse kernel ran.</summary>
internal sealed record GateSummary(string Conv, double Frames, double Channels, double Features, double MacFraction, double SparseShare);

/// <summary>Median and fastest time of one plan step, or of a part of one (<paramref name="Part"/>: not added to totals).</summary>
internal sealed record StepTime(string Step, double MedianMs, double MinMs, bool Part);

/// <summary>Everything one benchmark run measured, as markdown.</summary>
internal sealed record PlanReport(string Setup, string Command, PlanBenchOptions Options, int Threads, PlanLatency Dense, PlanLatency Gated,
    IReadOnlyList<StepTime> DenseSteps, IReadOnlyList<StepTime> GatedSteps,
    (IReadOnlyList<GateSummary> Gates, double MacRatio, double MaskedRatio) Keeps, double Agreement)
{
    public string Markdown()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"# Inference plan on the CPU: dense vs DANCE-gated");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"`{Command}`");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"{Setup}. {Options.Clips} clips, {Options.Rounds} rounds alternating the plans, {Options.Repeats} timed runs of every clip per round; {Threads} threads on {Environment.ProcessorCount} cores{MachineDescription.LoadAverage()}.");
        s.AppendLine();
        s.AppendLine("| plan | median ms / clip | min ms / clip | executed conv MACs |");
        s.AppendLine("|---|---:|---:|---:|");
        s.AppendLine(CultureInfo.InvariantCulture, $"| dense | {Dense.MedianMs:F3} | {Dense.MinMs:F3} | 100% |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| gated | {Gated.MedianMs:F3} | {Gated.MinMs:F3} | {Keeps.MacRatio:P1} |");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Gated speedup: **{Dense.MedianMs / Gated.MedianMs:F2}x** (medians), {Dense.MinMs / Gated.MinMs:F2}x (minima). Same top-1 class on {Agreement:P0} of the clips.");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Executed conv MACs are what the kernels ran (the dense-compacted kernel multiplies zeros too); METHOD's R(x), the MACs of the non-zero kept inputs, is {Keeps.MaskedRatio:P1}.");
        s.AppendLine();
        s.AppendLine("Gates (means over the clips): kept frames, channels, features (of the kept frames and channels), METHOD's MAC fraction, share of clips on the sparse-input kernel.");
        s.AppendLine();
        s.AppendLine("| gated conv | frames | channels | features | MACs | sparse kernel |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var g in Keeps.Gates)
            s.AppendLine(CultureInfo.InvariantCulture, $"| {g.Conv} | {g.Frames:P0} | {g.Channels:P0} | {g.Features:P0} | {g.MacFraction:P0} | {g.SparseShare:P0} |");
        s.AppendLine();
        s.AppendLine("Where the time goes (ms per step over all clips and repeats, timed one step at a time; share of the summed medians):");
        s.AppendLine();
        Steps(s, "dense plan", DenseSteps);
        Steps(s, "gated plan", GatedSteps);
        return s.ToString();
    }

    private static void Steps(StringBuilder s, string title, IReadOnlyList<StepTime> steps)
    {
        double total = steps.Where(x => !x.Part).Sum(x => x.MedianMs);
        s.AppendLine(CultureInfo.InvariantCulture, $"| {title} step | median ms | min ms | share |");
        s.AppendLine("|---|---:|---:|---:|");
        foreach (var step in steps) s.AppendLine(CultureInfo.InvariantCulture, $"| {step.Step} | {step.MedianMs:F3} | {step.MinMs:F3} | {step.MedianMs / total:P0} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| total | {total:F3} | {steps.Where(x => !x.Part).Sum(x => x.MinMs):F3} | |");
        s.AppendLine();
    }
}
