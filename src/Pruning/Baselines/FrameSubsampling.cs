using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// Uniform frame subsampling: every gated conv sees only an evenly spaced subset of its input frames, the same fraction
/// at every gate and the same frames for every clip (the others are zero, so the kernel skips them). The fraction is
/// searched on validation clips (dense model) to the target MAC ratio; the model is fine-tuned with that fixed pattern
/// for the session's epochs and evaluated on the test split.
/// </summary>
public sealed class FrameSubsampling(BaselineOptions? options = null) : BaselineMethod(options)
{
    /// <inheritdoc />
    public override string Name => "uniform frame subsampling";

    /// <inheritdoc />
    private protected override MethodResult Run(BaselineRun run, double targetMacRatio)
    {
        var (session, model, tuning, macs, clock) = run;
        var meter = new MacMeter(macs);
        int[] frames = macs.Gates.Select(g => g.FanT.Length).ToArray();

        var best = BaselineSteps.Tune(session, Options, $"{Name}: kept fraction", keep =>
        {
            using var policy = StaticMaskPolicy.Frames(KeptFrames(frames, keep));
            return PolicyEvaluation.Measure(model, policy, meter, tuning.Batches);
        }, targetMacRatio, 1.0 / frames.Max(), 1.0);

        var kept = KeptFrames(frames, best.Knob);
        using var chosen = StaticMaskPolicy.Frames(kept);
        FineTuning.Run(session, Name, model, chosen, Options.FineTuning);
        string pattern = string.Join(", ", kept.OrderBy(p => p.Key).Select(p => $"{p.Value.Count(k => k)}/{p.Value.Length}"));
        return BaselineSteps.Test(session, Name, model, chosen, meter, clock,
            $"frames kept per gate {pattern}, validation MAC ratio {best.MacRatio:F3} before fine-tuning, {chosen.StructuralMacRatio(meter):F3} on a dense kernel");
    }

    /// <summary>
    /// Per gate with T frames: m = round(keep * T) frames (at least one), frame i of m at floor((i + 1/2) T / m), so the
    /// kept frames are evenly spread and centred.
    /// </summary>
    internal static Dictionary<int, bool[]> KeptFrames(IReadOnlyList<int> frames, double keep)
    {
        var kept = new Dictionary<int, bool[]>();
        for (int gate = 0; gate < frames.Count; gate++)
        {
            int t = frames[gate];
            int m = Math.Clamp((int)Math.Round(keep * t), 1, t);
            var mask = new bool[t];
            for (int i = 0; i < m; i++) mask[(int)((i + 0.5) * t / m)] = true;
            kept[gate] = mask;
        }
        return kept;
    }
}
