using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// Which conv computes each gate's input channels, where one conv does: removing output channel c of that conv (with its
/// batch norm and ReLU) is then the same as zeroing channel c of the gate's input. In a plain net every gate qualifies
/// (conv l feeds gate l, through BN, ReLU and pooling, which keep channels apart). In a residual net only the gate in
/// front of a block's second conv does: a block's input is a sum with the shortcut, so no single conv can drop its channels.
/// </summary>
public static class ChannelProducers
{
    /// <summary>Gate index -> the conv producing its input channels, for every gate that has one.</summary>
    /// <exception cref="ArgumentException">The network is of a kind whose channel producers are unknown.</exception>
    public static IReadOnlyDictionary<int, Conv3d> Of(Module network) => network switch
    {
        PlainConvNet plain => plain.Gates.Zip(plain.Convolutions).ToDictionary(p => p.First.Index, p => p.Second),
        VideoResNet resnet => resnet.Descendants().OfType<BasicBlock>()
            .ToDictionary(b => b.Gates[1].Index, b => b.Conv1.Descendants().OfType<Conv3d>().Last()),
        _ => throw new ArgumentException($"Channel pruning does not know which convs produce the gated inputs of {network.GetType().Name}.", nameof(network)),
    };
}
