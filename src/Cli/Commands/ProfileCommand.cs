using System.CommandLine;
using System.Globalization;
using NativeDance.Cuda;
using NativeDance.Cuda.Profiling;
using NativeDance.Data;
using NativeDance.Data.Loading;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Profiling;
using NativeDance.Pruning.Reports;
using NativeDance.Tensors.Diagnostics;
using NativeDance.Tensors.Threading;

namespace NativeDance.Cli.Commands;

/// <summary>
/// <c>dance profile</c>: per-step time, executed MACs, bytes, GFLOP/s and GB/s against the measured peaks, keep ratios
/// and controller cost of a model's dense and DANCE-gated inference plans on real clips; optionally a Chrome trace
/// (Perfetto) and folded stacks (flame graphs). Without a checkpoint it profiles an untrained zoo model, dense only.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Model checkpoint written by dance train or ava (default: an untrained --model, dense only)" };
        var controllerPath = new Option<string?>("--controller") { Description = "DANCE controller written by dance aap or dance demo: also profile gated inference" };
        var budget = new Option<float?>("--budget") { Description = "MAC budget in (0, 1]: calibrate the controller's scale to it on the profiled clips (default: the scale in the controller checkpoint)" };
        var clips = new Option<int>("--clips") { Description = "Test clips to profile", DefaultValueFactory = _ => 8 };
        var repeats = new Option<int>("--repeats") { Description = "Timed passes over the clips", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs of each plan first (and at least 1 s of them, at most 5 s)", DefaultValueFactory = _ => 40 };
        var trace = new Option<string?>("--trace") { Description = "Write a Chrome trace-event JSON file (open it in ui.perfetto.dev)" };
        var flame = new Option<string?>("--flame") { Description = "Write folded stacks for flame-graph tools (flamegraph.pl, inferno, speedscope)" };
        var device = new Option<string>("--device") { Description = "cpu or gpu", DefaultValueFactory = _ => "cpu" };
        var command = new Command("profile", "Profile dense and DANCE-gated inference step by step: time, MACs, bytes, percent of the measured peak, keep ratios.");
        run.AddTo(command);
        foreach (var o in new Option[] { checkpoint, controllerPath, budget, clips, repeats, warmup, trace, flame, device }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var c = ConfigFile.Load(parse, parse.GetValue(run.Config));
            var request = new ProfileRequest(c.Get(checkpoint), c.Get(controllerPath), c.Get(budget), c.Get(clips), c.Get(device));
            var settings = new ProfileSettings { Repeats = c.Get(repeats), WarmupRuns = c.Get(warmup) };
            Run(run, c, request, settings, c.Get(trace), c.Get(flame));
        })));
        return command;
    }

    /// <summary>Device 0 for a GPU profile; without a usable GPU, one line saying why.</summary>
    private static CudaDevice OpenGpu()
    {
        try
        {
            return CudaDevice.Open();
        }
        catch (CudaUnavailableException e)
        {
            throw new InvalidOperationException($"--device gpu: {e.Message}");
        }
    }

    /// <summary>The plan factory and measured roofs of the profiled device.</summary>
    private static (PlanFactory Compile, ProfileRoofs Roofs) Target(CudaDevice? gpu, Module model, ClipSpec shape)
    {
        Console.Error.WriteLine("measuring the machine's peaks...");
        if (gpu is not null) return (CudaPlanFactory.Create(model, shape.Frames, shape.Height, shape.Width, gpu), GpuPeakProbe.Measure(gpu));
        return (ProfiledPlan.CpuFactory(model, shape.Frames, shape.Height, shape.Width), ProfileRoofs.Of(PeakProbe.Measure()));
    }

    private static void Run(RunOptions run, ConfigFile c, ProfileRequest request, ProfileSettings settings, string? tracePath, string? flamePath)
    {
        using var gpu = request.Device == "gpu" ? OpenGpu() : null;
        using var context = new RunContext(run, c);
        var (model, spec, data) = Load(run, c, context, request);
        var loader = context.Loader(data, training: false, spec.Size);
        var (clips, labels) = ReadClips(loader, request.Clips);
        var shape = loader.ClipSpec;
        var (compile, roofs) = Target(gpu, model, shape);
        string gating = "dense only";
        AapController? controller = null;
        float scale = 1f;
        if (request.Controller is { } path)
        {
            (controller, scale) = ControllerCheckpoint.Load(path, spec.Architecture, (IGatedNetwork)model);
            gating = $"controller scale {scale:F3} (from {Path.GetFileName(path)})";
            if (request.Budget is { } b)
            {
                var (chosen, points) = PlanProfiler.CalibrateBudget(compile, controller, b, clips, labels);
                scale = chosen.Scale;
                gating = $"controller scale {scale:F3}, calibrated to budget {b:F2} on these clips (R(x) {chosen.MacRatio:F3}, {points.Count} scales tried)";
            }
        }
        using var dense = compile(null, 1f);
        using var gated = controller is null ? null : compile(controller, scale);
        var profile = PlanProfiler.Profile(dense, gated, clips, settings);
        string clipText = $"{profile.Clips} clips {shape.Frames}x{shape.Height}x{shape.Width} of {data.Name} test";
        ProfileTable.Print(Console.Out, profile, roofs,
            $"dance profile: {spec.Architecture} ({request.Checkpoint ?? "untrained"}), {clipText}, {profile.Repeats} repeats, {request.Device}, {ParallelFor.Threads} thread{(ParallelFor.Threads == 1 ? "" : "s")}", gating);
        var metadata = new Dictionary<string, string>
        {
            ["model"] = spec.Architecture,
            ["clips"] = clipText,
            ["device"] = gpu?.ToString() ?? "cpu",
            ["threads"] = ParallelFor.Threads.ToString(CultureInfo.InvariantCulture),
            ["gating"] = gating,
        };
        if (tracePath is not null)
        {
            AtomicFile.Write(tracePath, s => ChromeTrace.Write(s, profile, roofs, metadata));
            Console.WriteLine($"trace: {tracePath} (open in ui.perfetto.dev)");
        }
        if (flamePath is not null)
        {
            AtomicFile.Write(flamePath, s =>
            {
                using var writer = new StreamWriter(s);
                FoldedStacks.Write(writer, profile);
            });
            Console.WriteLine($"folded stacks: {flamePath}");
        }
    }

    /// <summary>The model (trained from its checkpoint, or untrained from the options) and its test split.</summary>
    private static (Module Model, ModelSpec Spec, IClipDataset Data) Load(RunOptions run, ConfigFile c, RunContext context, ProfileRequest request)
    {
        if (request.Checkpoint is { } path)
        {
            var (model, spec) = RunContext.LoadModel(path);
            var data = DatasetCatalog.Open(run.DatasetRequest(c, spec.Frames, spec.Size) with { EvalClips = request.Clips }, DatasetSplit.Test);
            if (data.ClassNames.Count != spec.Classes)
                throw new ArgumentException($"The checkpoint classifies {spec.Classes} classes but {data.Name} has {data.ClassNames.Count}.");
            return (model, spec, data);
        }
        var untrained = DatasetCatalog.Open(context.Request with { EvalClips = request.Clips }, DatasetSplit.Test);
        var untrainedSpec = new ModelSpec(c.Get(run.Model), untrained.ClassNames.Count, c.Get(run.Width), context.Request.Clip.Frames, context.Size, Seed: context.Request.Seed);
        return (ModelZoo.Create(untrainedSpec), untrainedSpec, untrained);
    }

    /// <summary>The first <paramref name="count"/> clips of the loader, back to back, and their labels.</summary>
    private static (float[] Clips, int[] Labels) ReadClips(ClipLoader loader, int count)
    {
        var values = new List<float>();
        var labels = new List<int>();
        foreach (var batch in loader.ReadEpoch(0))
        {
            int take = Math.Min(batch.Count, count - labels.Count);
            int length = batch.Clips.Shape.ElementCount / batch.Clips.Shape[0];
            values.AddRange(batch.Clips.Span[..(take * length)]);
            labels.AddRange(batch.Labels[..take]);
            if (labels.Count == count) break;
        }
        if (labels.Count == 0) throw new ArgumentException("The test split has no clips to profile.");
        return ([.. values], [.. labels]);
    }

    /// <summary>The command's own arguments, validated: one clear line for each mistake.</summary>
    private sealed record ProfileRequest
    {
        public ProfileRequest(string? checkpoint, string? controller, float? budget, int clips, string device)
        {
            if (controller is not null && checkpoint is null)
                throw new ArgumentException("--controller needs the --checkpoint of the model it was trained for.");
            if (budget is not null && controller is null) throw new ArgumentException("--budget needs a --controller to calibrate.");
            if (budget is { } b && !(b > 0 && b <= 1)) throw new ArgumentException($"--budget must lie in (0, 1], got {b}.");
            if (clips < 1) throw new ArgumentException($"--clips must be at least 1, got {clips}.");
            if (device is not ("cpu" or "gpu")) throw new ArgumentException($"--device must be cpu or gpu, got '{device}'.");
            (Checkpoint, Controller, Budget, Clips, Device) = (checkpoint, controller, budget, clips, device);
        }

        public string? Checkpoint { get; }
        public string? Controller { get; }
        public float? Budget { get; }
        public int Clips { get; }
        public string Device { get; }
    }
}
