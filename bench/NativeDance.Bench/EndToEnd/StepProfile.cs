using NativeDance.Pruning.Inference;

namespace NativeDance.Bench.EndToEnd;

/// <summary>Where a plan spends its time: every step's median milliseconds over the clips, timed one step at a time.</summary>
internal sealed record StepProfile(int Threads, IReadOnlyList<(string Step, double Ms)> Steps)
{
    public double TotalMs => Steps.Sum(s => s.Ms);

    public static StepProfile Measure(InferencePlan plan, float[] clips, int threads)
    {
        var samples = plan.StepNames.Select(_ => new List<double>()).ToList();
        var logits = new float[plan.Classes];
        plan.CollectTimings = true;
        try
        {
            for (int i = 0; i < clips.Length / plan.ClipLength; i++)
            {
                plan.Run(clips.AsSpan(i * plan.ClipLength, plan.ClipLength), logits);
                for (int s = 0; s < samples.Count; s++) samples[s].Add(plan.Counters.StepSeconds[s] * 1e3);
            }
        }
        finally
        {
            plan.CollectTimings = false;
        }
        return new StepProfile(threads, [.. plan.StepNames.Zip(samples, (name, ms) => (name, ms.Order().ElementAt(ms.Count / 2)))]);
    }
}
