using NativeDance.Autograd;
using NativeDance.Models.Layers;

namespace NativeDance.Models.Modules;

/// <summary>
/// A network DANCE can prune: it splits into a stem ending at the first conv layer's activation A_1 = ReLU(BN(conv1(x)))
/// and the rest, and exposes a gate in front of every later prunable conv.
/// </summary>
public interface IGatedNetwork
{
    /// <summary>The gates in execution order.</summary>
    IReadOnlyList<ActivationGate> Gates { get; }

    /// <summary>Runs the stem: returns A_1, the first conv layer's post-ReLU output.</summary>
    Variable ForwardStem(Variable clip);

    /// <summary>Runs everything after the stem on A_1 and returns the logits.</summary>
    Variable ForwardRest(Variable firstActivation);
}
