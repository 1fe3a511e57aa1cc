using NativeDance.Autograd;
using NativeDance.Models.Layers;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// What a baseline does at every gate: replaces the conv input X_l by its masked (or rescaled) version, through ordinary
/// differentiable operations so the same policy runs in fine-tuning and in evaluation. When a <see cref="Meter"/> is set,
/// every masked input is reported to it, so the executed MACs are counted from exactly what the convs receive.
/// </summary>
public abstract class GatePolicy : IActivationInterceptor
{
    /// <summary>Receives each gate's masked input during evaluation; null while training.</summary>
    public MacMeter? Meter { get; set; }

    /// <inheritdoc />
    public Variable OnActivation(ActivationGate gate, Variable activation)
    {
        var masked = Apply(gate, activation);
        Meter?.Record(gate.Index, masked.Value);
        return masked;
    }

    /// <summary>A training-only loss term the policy collected during the last forward pass (e.g. an activation penalty), or null.</summary>
    public virtual Variable? TakePenalty() => null;

    /// <summary>The conv input the policy lets through at <paramref name="gate"/>.</summary>
    protected abstract Variable Apply(ActivationGate gate, Variable activation);
}
