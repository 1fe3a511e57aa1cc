using System.CommandLine;
using NativeDance.Cli.Commands;
using NativeDance.Models.Zoo;

namespace NativeDance.Cli.Demo;

/// <summary><c>dance demo</c>: the one-command DANCE pipeline with its report (README's main command).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var run = new RunOptions();
        var quick = new Option<bool>("--quick") { Description = "Every stage on little data, in under a minute (for CI); accuracy is not meaningful" };
        var budget = new Option<float>("--budget") { Description = "MAC budget B the controller is trained for, in (0, 1]", DefaultValueFactory = _ => (float)DemoPipeline.DefaultBudget };
        var maxLoss = new Option<float>("--max-loss") { Description = "Calibration: accuracy loss allowed on the validation split, in points", DefaultValueFactory = _ => 0.5f };
        var output = new Option<string>("--out") { Description = "Report folder (checkpoints go in subfolders)", DefaultValueFactory = _ => "runs/demo" };
        var command = new Command("demo", "Train a dense model, apply DANCE (AVA + AAP), compare with baselines and ablations, time dense vs gated inference and write a report.");
        run.AddTo(command);
        foreach (var o in new Option[] { quick, budget, maxLoss, output }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(CliErrors.Guard(() =>
        {
            var c = ConfigFile.Load(parse, parse.GetValue(run.Config));
            var settings = c.Get(quick) ? DemoSettings.Quick : DemoSettings.Full;
            float b = c.Get(budget);
            if (!(b > 0 && b <= 1)) throw new ArgumentException($"--budget must lie in (0, 1], got {b}.");
            float loss = c.Get(maxLoss);
            if (!(loss >= 0)) throw new ArgumentException($"--max-loss must not be negative, got {loss}.");
            using var context = new RunContext(run, c, request => request with
            {
                TrainClips = request.TrainClips ?? settings.TrainClips,
                EvalClips = request.EvalClips ?? settings.EvalClips,
            });
            var probe = context.Open(NativeDance.Data.DatasetSplit.Train);
            var spec = new ModelSpec(c.Get(run.Model), probe.ClassNames.Count, c.Get(run.Width), context.Request.Clip.Frames, context.Size, Seed: context.Request.Seed);
            string outDir = c.Get(output);
            Directory.CreateDirectory(outDir);
            var results = new DemoPipeline(context, spec, settings, outDir, loss, cancel) { DanceBudget = b }.Run();
            DemoReport.Write(results, outDir);
            Console.WriteLine($"report: {Path.Combine(outDir, "report.md")}, summary: {Path.Combine(outDir, "summary.json")} ({results.WallSeconds:F0} s in all)");
        })));
        return command;
    }
}
