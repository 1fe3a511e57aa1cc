using NativeDance.Pruning.Inference;

namespace NativeDance.Bench.EndToEnd;

/// <summary>Mean keep ratios of one gate over clips: frames, channels, and features of the kept frames and channels.</summary>
internal readonly record struct GateKeep(double Frames, double Channels, double Features)
{
    public double this[int dimension] => dimension switch { 0 => Frames, 1 => Channels, _ => Features };

    /// <summary>Every gate's mean keep ratios over the clips, and the plan's mean executed conv-MAC ratio.</summary>
    public static (GateKeep[] Gates, double MacRatio) Measure(InferencePlan plan, float[] clips)
    {
        int count = clips.Length / plan.ClipLength, gates = plan.Counters.Gates.Length;
        var sums = new double[gates, 3];
        double macs = 0;
        var logits = new float[plan.Classes];
        for (int i = 0; i < count; i++)
        {
            plan.Run(clips.AsSpan(i * plan.ClipLength, plan.ClipLength), logits);
            macs += plan.Counters.ExecutedMacRatio;
            for (int g = 0; g < gates; g++)
            {
                var c = plan.Counters.Gates[g];
                sums[g, 0] += c.FrameKeep;
                sums[g, 1] += c.ChannelKeep;
                sums[g, 2] += c.FeatureKeep;
            }
        }
        var keeps = new GateKeep[gates];
        for (int g = 0; g < gates; g++) keeps[g] = new GateKeep(sums[g, 0] / count, sums[g, 1] / count, sums[g, 2] / count);
        return (keeps, macs / count);
    }
}
