using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Pruning.Methods;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// The reference row every MAC ratio should be read against: the dense model, unpruned and untrained further, with its
/// MACs counted the way R(x) counts them. An input element that is exactly zero (most often a ReLU output) costs no
/// MACs in that count, so the dense model already lands well below 1; what a method removes beyond this row is what
/// its masks remove.
/// </summary>
public sealed class ZeroSkippingDense : IPruningMethod
{
    /// <inheritdoc />
    public string Name => "dense, zeros skipped";

    /// <inheritdoc />
    public MethodKind Kind => MethodKind.Dense;

    /// <summary>Measures the dense model on the test split; <paramref name="targetMacRatio"/> is not used: there is no knob.</summary>
    public MethodResult Run(PruningSession session, double targetMacRatio)
    {
        ArgumentNullException.ThrowIfNull(session);
        var model = session.LoadDense();
        var clip = session.Test.ClipSpec;
        var meter = new MacMeter(NetworkMacs.For(model, new Shape(1, clip.Frames, clip.Height, clip.Width, clip.Channels)));
        var evaluation = PolicyEvaluation.Measure(model, new PassThrough(), meter, LabeledBatch.Stream(session.Test, session.Cancellation));
        return new MethodResult(Name, Kind, evaluation.Accuracy, evaluation.MeanMacRatio,
            Note: "no pruning: the share of MACs whose input is non-zero, counted as R(x) counts them");
    }

    private sealed class PassThrough : GatePolicy
    {
        protected override Variable Apply(ActivationGate gate, Variable activation) => activation;
    }
}
