using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Models.Layers;

/// <summary>
/// Something that looks at, and may replace, the activation entering a prunable convolution: the AVA loss records
/// it, the AAP controller masks it. Installed per thread with <see cref="ActivationGate.Intercept"/>.
/// </summary>
public interface IActivationInterceptor
{
    /// <summary>Called with the input of the conv behind gate <paramref name="gate"/>; returns what the conv should see.</summary>
    Variable OnActivation(ActivationGate gate, Variable activation);
}

/// <summary>
/// The point in front of a prunable convolution where DANCE reads and masks its input X_l. Without an interceptor it is
/// the identity and costs nothing; it has no parameters, so it leaves checkpoints untouched. In residual blocks the gate
/// sits on the block's conv path only: the identity shortcut always sees the unmasked activation.
/// </summary>
public sealed class ActivationGate : Module
{
    [ThreadStatic] private static IActivationInterceptor? _interceptor;

    internal ActivationGate(Layers.Conv3d conv)
    {
        Conv = conv;
    }

    /// <summary>Position of this gate among the network's gates (0 = the first conv after conv1).</summary>
    public int Index { get; internal set; }

    /// <summary>Dotted name of the gated conv, e.g. <c>layer2.0.conv1.0</c>.</summary>
    public string ConvName { get; internal set; } = "";

    /// <summary>The convolution whose input this gate controls.</summary>
    public Layers.Conv3d Conv { get; }

    /// <summary>Routes every gate on the current thread through <paramref name="interceptor"/> until the scope is disposed.</summary>
    public static InterceptScope Intercept(IActivationInterceptor interceptor)
    {
        var previous = _interceptor;
        _interceptor = interceptor;
        return new InterceptScope(previous);
    }

    /// <inheritdoc />
    public override Variable Forward(Variable input) => _interceptor?.OnActivation(this, input) ?? input;

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "") => input;

    /// <summary>Restores the interceptor that was active before <see cref="Intercept"/>.</summary>
    public readonly struct InterceptScope : IDisposable
    {
        private readonly IActivationInterceptor? _previous;

        internal InterceptScope(IActivationInterceptor? previous) => _previous = previous;

        /// <summary>Ends the scope.</summary>
        public void Dispose() => _interceptor = _previous;
    }
}
