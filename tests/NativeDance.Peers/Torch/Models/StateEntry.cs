namespace NativeDance.Peers.Torch.Models;

/// <summary>What a state-dict tensor is, which decides whether it trains and how <see cref="TorchStateDict.Initialize"/> fills it.</summary>
public enum StateKind
{
    /// <summary>A conv or linear weight (PyTorch layout); trainable, drawn from N(0, 1 / fan-in).</summary>
    Weight,
    /// <summary>A batch-norm scale (gamma); trainable, drawn around 1.</summary>
    Scale,
    /// <summary>A bias or batch-norm shift (beta); trainable, drawn small.</summary>
    Shift,
    /// <summary>A batch-norm running mean; a buffer.</summary>
    RunningMean,
    /// <summary>A batch-norm running variance; a buffer, positive.</summary>
    RunningVariance,
    /// <summary>num_batches_tracked: an int64 scalar buffer.</summary>
    Counter,
}

/// <summary>One named tensor of a PyTorch state dict with its shape in PyTorch's layout.</summary>
/// <param name="Name">Dotted name, e.g. <c>layer2.0.downsample.1.running_var</c>.</param>
/// <param name="Shape">Dimensions in PyTorch's layout (conv weights [Cout, Cin/groups, kT, kH, kW]).</param>
/// <param name="Kind">Role of the tensor.</param>
public sealed record StateEntry(string Name, long[] Shape, StateKind Kind)
{
    /// <summary>Whether the tensor is a trainable parameter (not a buffer).</summary>
    public bool IsParameter => Kind is StateKind.Weight or StateKind.Scale or StateKind.Shift;

    /// <summary>A bias-free 3D conv weight [Cout, Cin, kT, kH, kW].</summary>
    public static StateEntry Conv(string name, long outChannels, long inChannels, long kt, long kh, long kw) =>
        new($"{name}.weight", [outChannels, inChannels, kt, kh, kw], StateKind.Weight);

    /// <summary>The five tensors of torch.nn.BatchNorm3d: weight, bias, running_mean, running_var, num_batches_tracked.</summary>
    public static IEnumerable<StateEntry> BatchNorm(string name, long channels) =>
    [
        new($"{name}.weight", [channels], StateKind.Scale),
        new($"{name}.bias", [channels], StateKind.Shift),
        new($"{name}.running_mean", [channels], StateKind.RunningMean),
        new($"{name}.running_var", [channels], StateKind.RunningVariance),
        new($"{name}.num_batches_tracked", [], StateKind.Counter),
    ];

    /// <summary>The weight [out, in] and bias [out] of torch.nn.Linear.</summary>
    public static IEnumerable<StateEntry> Linear(string name, long inFeatures, long outFeatures) =>
    [
        new($"{name}.weight", [outFeatures, inFeatures], StateKind.Weight),
        new($"{name}.bias", [outFeatures], StateKind.Shift),
    ];
}
