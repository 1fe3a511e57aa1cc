using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// FBS-style channel saliency gating: per gated conv a tiny predictor (<see cref="SaliencyPredictors"/>) keeps, per clip,
/// the ceil(rho * C) most salient input channels and scales them by their saliency (<see cref="SaliencyPolicy"/>).
/// The predictors' own MACs count in the ratio. Steps: initialise the predictors from training-clip channel means;
/// search rho on validation clips; train predictors (AdamW) and backbone (SGD) jointly with CE + distillation from the
/// dense model for the session's epochs; search rho again on the trained gates; evaluate on the test split.
/// </summary>
public sealed class ChannelSaliencyGating(BaselineOptions? options = null) : BaselineMethod(options)
{
    /// <inheritdoc />
    public override string Name => "FBS channel saliency";

    /// <inheritdoc />
    private protected override MethodResult Run(BaselineRun run, double targetMacRatio)
    {
        var (session, model, tuning, macs, clock) = run;
        SaliencyPredictors predictors;
        using (var train = new CachedBatches(session.Train, Options.TuningClips, session.Cancellation))
            predictors = new SaliencyPredictors(ChannelMeans(model, train.Batches));

        var before = Tune(session, model, macs, predictors, tuning, targetMacRatio, "initial predictors");
        FineTuning.Run(session, Name, model, new SaliencyPolicy(predictors, before.Knob), Options.FineTuning, predictors.Parameters());
        var after = Tune(session, model, macs, predictors, tuning, targetMacRatio, "trained predictors");
        var policy = new SaliencyPolicy(predictors, after.Knob);
        double overhead = policy.OverheadMacs(macs) / macs.TotalDenseMacs;
        return BaselineSteps.Test(session, Name, model, policy, Meter(macs, policy), clock,
            $"rho {after.Knob:F3} of the channels kept per clip, predictors trained jointly with the backbone ({overhead:P2} of the dense MACs for the predictors, included), validation MAC ratio {after.MacRatio:F3}");
    }

    private KnobPoint Tune(PruningSession session, Module model, NetworkMacs macs, SaliencyPredictors predictors, CachedBatches tuning, double target, string stage)
    {
        double smallest = 1.0 / predictors.Channels.Max();
        return BaselineSteps.Tune(session, Options, $"{Name} ({stage}): rho", rho =>
        {
            var policy = new SaliencyPolicy(predictors, rho);
            return PolicyEvaluation.Measure(model, policy, Meter(macs, policy), tuning.Batches);
        }, target, smallest, 1.0);
    }

    private static MacMeter Meter(NetworkMacs macs, SaliencyPolicy policy) => new(macs, overheadMacs: policy.OverheadMacs(macs));

    /// <summary>mu_c per gate: every channel's mean over the clips, frames and pixels of <paramref name="batches"/> (unmasked, evaluation mode).</summary>
    internal static float[][] ChannelMeans(Module model, IReadOnlyList<LabeledBatch> batches)
    {
        var gates = ((IGatedNetwork)model).Gates.Count;
        var recorder = new ChannelMeanRecorder(gates);
        EvaluationPass.Run(model, recorder, batches);
        return recorder.Means();
    }

    private sealed class ChannelMeanRecorder(int gates) : IActivationInterceptor
    {
        private readonly double[][] _sums = new double[gates][];
        private readonly long[] _rows = new long[gates];

        public Variable OnActivation(ActivationGate gate, Variable activation)
        {
            using var x = activation.Value.Contiguous();
            int channels = x.Shape[4];
            var sums = _sums[gate.Index] ??= new double[channels];
            var values = x.Span;
            for (int i = 0; i < values.Length; i++) sums[i % channels] += values[i];
            _rows[gate.Index] += values.Length / channels;
            return activation;
        }

        public float[][] Means() => _sums.Select((s, g) =>
            s?.Select(v => (float)(v / _rows[g])).ToArray() ?? throw new InvalidOperationException($"Gate {g} did not run.")).ToArray();
    }
}
