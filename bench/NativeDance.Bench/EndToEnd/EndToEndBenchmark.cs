using System.Diagnostics;
using NativeDance.Peers.Onnx;
using NativeDance.Peers.Torch;
using NativeDance.Peers.Torch.Models;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.EndToEnd;

/// <summary>
/// Per-clip latency (batch 1) of whole models on the CPU, in one process: ours dense and gated (the inference plan),
/// libtorch (the twin loaded from our checkpoint) and ONNX Runtime (the graph exported from our weights). For every
/// model and thread count the contestants run in turn, round after round, on the same clips, so machine noise hits them
/// alike; each round times every contestant on enough runs to last about <see cref="RoundMs"/>. Before timing, every
/// peer's logits are compared with our dense plan's.
/// </summary>
internal static class EndToEndBenchmark
{
    private const double RoundMs = 250;
    // A pause before each contestant's turn, longer than any runtime's worker threads spin after a run, so that the
    // previous contestant's spinning threads do not take cores from the next.
    private const int PauseMs = 20;
    private const int MaxRepeats = 100;

    public static EndToEndReport Run(EndToEndOptions options, Action<string> log)
    {
        LibTorch.EnsureLoaded();
        var demo = BenchModels.Demo(options.DemoDirectory);
        var demoKeeps = BenchModels.KeepRatios(demo);
        var report = new EndToEndReport(options);
        foreach (string name in options.Models)
        {
            log($"{name}: preparing");
            var model = name == demo.Name ? demo : BenchModels.Large(name, demoKeeps, log);
            using var twin = TorchTwins.Of(model.Network, torch.ScalarType.Float32);
            var torchClips = Enumerable.Range(0, model.ClipCount).Select(i => TorchClip(model, i)).ToArray();
            var ortClips = Enumerable.Range(0, model.ClipCount).Select(i => ChannelsFirst(model, i)).ToArray();
            try
            {
                foreach (int threads in options.Threads)
                {
                    ParallelFor.Threads = threads;
                    torch.set_num_threads(threads);
                    IContestant[] contestants =
                    [
                        new PlanContestant(InferencePlan.Compile(model.Network, model.Spec.Frames, model.Spec.Size, model.Spec.Size), model.Clips),
                        new PlanContestant(InferencePlan.Compile(model.Network, model.Spec.Frames, model.Spec.Size, model.Spec.Size, model.Controller, model.Scale), model.Clips),
                        new TorchContestant(twin, torchClips),
                        new OrtContestant(new OrtVideoNet(model.Network, model.Spec.Frames, model.Spec.Size, model.Spec.Size, threads), ortClips),
                    ];
                    try
                    {
                        var agreement = Agreement(contestants);
                        Measure(model, threads, contestants, options, report, log);
                        if (threads == options.Threads[0]) report.Describe(model, (PlanContestant)contestants[0], (PlanContestant)contestants[1], agreement, threads);
                    }
                    finally
                    {
                        foreach (var c in contestants) c.Dispose();
                    }
                }
            }
            finally
            {
                foreach (var clip in torchClips) clip.Dispose();
            }
        }
        return report;
    }

    private static void Measure(BenchModel model, int threads, IContestant[] contestants, EndToEndOptions options, EndToEndReport report, Action<string> log)
    {
        var repeats = contestants.Select(c => options.Smoke ? 1 : Math.Clamp((int)Math.Ceiling(RoundMs / WarmUp(c, model.ClipCount)), 1, MaxRepeats)).ToArray();
        var samples = contestants.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < options.Rounds; round++)
        {
            for (int c = 0; c < contestants.Length; c++)
            {
                Thread.Sleep(PauseMs);
                for (int r = 0; r < repeats[c]; r++)
                {
                    contestants[c].Prepare((round * repeats[c] + r) % model.ClipCount);
                    long start = Stopwatch.GetTimestamp();
                    contestants[c].Run();
                    samples[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }
        for (int c = 0; c < contestants.Length; c++)
        {
            var sorted = samples[c].Order().ToList();
            var result = new EndToEndResult(model.Name, threads, contestants[c].Runtime, contestants[c].Mode, sorted[sorted.Count / 2], sorted[0], sorted.Count);
            report.Results.Add(result);
            log($"  {model.Name} {threads}T {result.Runtime,-12} {result.Mode,-6} median {result.MedianMs,9:F3} ms, min {result.MinMs,9:F3} ms ({result.Runs} runs)");
        }
    }

    /// <summary>Runs every clip once, then returns the fastest of two more runs in milliseconds.</summary>
    private static double WarmUp(IContestant contestant, int clips)
    {
        for (int i = 0; i < clips; i++)
        {
            contestant.Prepare(i);
            contestant.Run();
        }
        double best = double.MaxValue;
        for (int i = 0; i < 2; i++)
        {
            long start = Stopwatch.GetTimestamp();
            contestant.Run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return best;
    }

    /// <summary>NMSE of every contestant's logits on the first clip against our dense plan's.</summary>
    private static IReadOnlyList<(string Contestant, double Nmse)> Agreement(IContestant[] contestants)
    {
        foreach (var c in contestants)
        {
            c.Prepare(0);
            c.Run();
        }
        var reference = contestants[0].Logits();
        return contestants.Skip(1).Select(c => ($"{c.Runtime} {c.Mode}", Nmse(c.Logits(), reference))).ToList();
    }

    private static double Nmse(float[] actual, float[] reference)
    {
        double error = 0, norm = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            error += (actual[i] - (double)reference[i]) * (actual[i] - reference[i]);
            norm += (double)reference[i] * reference[i];
        }
        return error / Math.Max(norm, 1e-30);
    }

    private static float[] ChannelsFirst(BenchModel model, int clip)
    {
        using var channelsLast = Tensor.FromData(new Shape(1, model.Spec.Frames, model.Spec.Size, model.Spec.Size, 3), model.Clips.AsSpan(clip * model.ClipLength, model.ClipLength).ToArray());
        using var channelsFirst = channelsLast.ToChannelsFirst();
        return channelsFirst.ToArray();
    }

    private static torch.Tensor TorchClip(BenchModel model, int clip) =>
        torch.tensor(ChannelsFirst(model, clip), [1, 3, model.Spec.Frames, model.Spec.Size, model.Spec.Size]);
}
