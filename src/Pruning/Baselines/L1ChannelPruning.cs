using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// Static L1-norm channel pruning with fine-tuning (Li et al., "Pruning Filters for Efficient ConvNets", 2017): in every
/// conv whose output channels feed a gate one-to-one (<see cref="ChannelProducers"/>), the filters with the smallest L1
/// norms are removed, the same fraction in every such layer; a removed filter saves its MACs in the producing conv and
/// its input channel in the next. The kept fraction is searched on validation clips (dense model) to the target MAC
/// ratio, then the model is fine-tuned with the mask fixed for the session's epochs and evaluated on the test split.
/// </summary>
public sealed class L1ChannelPruning(BaselineOptions? options = null) : BaselineMethod(options)
{
    /// <inheritdoc />
    public override string Name => "static L1 channels";

    /// <inheritdoc />
    private protected override MethodResult Run(BaselineRun run, double targetMacRatio)
    {
        var (session, model, tuning, macs, clock) = run;
        var producers = ChannelProducers.Of(model);
        var ranking = producers.ToDictionary(p => p.Key, p => FilterNorms.RankByL1(p.Value));
        double smallest = 1.0 / ranking.Values.Max(r => r.Length);

        var best = BaselineSteps.Tune(session, Options, $"{Name}: kept fraction", keep =>
        {
            var (policy, meter) = Build(macs, producers, ranking, keep);
            using (policy) return PolicyEvaluation.Measure(model, policy, meter, tuning.Batches);
        }, targetMacRatio, smallest, 1.0);

        var (chosen, chosenMeter) = Build(macs, producers, ranking, best.Knob);
        using (chosen)
        {
            FineTuning.Run(session, Name, model, chosen, Options.FineTuning);
            return BaselineSteps.Test(session, Name, model, chosen, chosenMeter, clock,
                $"{best.Knob:P0} of the filters kept in {producers.Count} convs (lowest L1 norms removed), validation MAC ratio {best.MacRatio:F3} before fine-tuning, {chosen.StructuralMacRatio(chosenMeter):F3} on a dense kernel");
        }
    }

    /// <summary>Kept channels per gate for keep fraction <paramref name="keep"/>: the round(keep * C) largest filters (at least one).</summary>
    internal static Dictionary<int, bool[]> KeptChannels(IReadOnlyDictionary<int, int[]> ranking, double keep) =>
        ranking.ToDictionary(p => p.Key, p =>
        {
            var kept = new bool[p.Value.Length];
            int count = Math.Clamp((int)Math.Round(keep * kept.Length), 1, kept.Length);
            foreach (int c in p.Value.Take(count)) kept[c] = true;
            return kept;
        });

    private static (StaticMaskPolicy Policy, MacMeter Meter) Build(NetworkMacs macs, IReadOnlyDictionary<int, Conv3d> producers, IReadOnlyDictionary<int, int[]> ranking, double keep)
    {
        var kept = KeptChannels(ranking, keep);
        var outputs = kept.ToDictionary(p => producers[p.Key], p => p.Value.Count(k => k));
        return (StaticMaskPolicy.Channels(kept), new MacMeter(macs, outputs));
    }
}
