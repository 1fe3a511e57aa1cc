using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// The conv arithmetic of a gated network for one clip size, in the units DANCE's R(x) uses (<see cref="GatedForward"/>):
/// every conv contributes its conventional dense MACs (padding taps included) times the fraction of its dense executed
/// MACs it runs, and the ratio is over all convs' dense MACs. A gated conv executes, for each non-zero element
/// (t, h, w, c) of its masked input, Cout_kept * FanT[t] * FanH[h] * FanW[w] MACs (<see cref="GateGeometry"/>); an
/// ungated conv (conv1, shortcuts, the temporal half of a (2+1)D unit) runs densely over its kept output channels.
/// </summary>
public sealed class NetworkMacs
{
    private readonly Dictionary<Conv3d, double> _denseMacs;
    private readonly Dictionary<Conv3d, int> _gateOf;

    private NetworkMacs(IGatedNetwork network, Dictionary<Conv3d, double> denseMacs, GateGeometry[] gates, Shape clip)
    {
        Network = network;
        Clip = clip;
        _denseMacs = denseMacs;
        Gates = gates;
        _gateOf = gates.Select((g, i) => (g.Gate.Conv, i)).ToDictionary(p => p.Conv, p => p.i);
        TotalDenseMacs = denseMacs.Values.Sum();
    }

    /// <summary>The network.</summary>
    public IGatedNetwork Network { get; }

    /// <summary>The clip shape [1, T, H, W, C] the counts are for.</summary>
    public Shape Clip { get; }

    /// <summary>Geometry of every gated conv, by gate index.</summary>
    public IReadOnlyList<GateGeometry> Gates { get; }

    /// <summary>Every conv of the network with its conventional dense MACs for one clip.</summary>
    public IReadOnlyDictionary<Conv3d, double> DenseMacs => _denseMacs;

    /// <summary>Conventional dense MACs of all convs for one clip: the denominator of every ratio.</summary>
    public double TotalDenseMacs { get; }

    /// <summary>
    /// Measures <paramref name="network"/> for clips of <paramref name="clip"/>'s shape ([N, T, H, W, C]; N is ignored):
    /// conv costs come from <see cref="Module.InferShape"/>, each gate's input shape from one forward pass of a zero clip.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no activation gates or the clip does not fit it.</exception>
    public static NetworkMacs For(Module network, Shape clip)
    {
        var gated = network as IGatedNetwork ?? throw new ArgumentException($"{network.GetType().Name} has no activation gates.", nameof(network));
        if (clip.Rank != 5) throw new ArgumentException($"Clips must be [N, T, H, W, C], got {clip}.", nameof(clip));
        var one = new Shape(1, clip[1], clip[2], clip[3], clip[4]);
        var costs = new List<LayerCost>();
        network.InferShape(one, costs);
        var convByName = network.NamedParameters()
            .Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal))
            .Select(p => (Name: p.Name[..^".weight".Length], p.Parameter))
            .Join(network.Descendants().OfType<Conv3d>(), p => p.Parameter, c => c.Weight, (p, c) => (p.Name, Conv: c), ReferenceEqualityComparer.Instance)
            .ToDictionary(p => p.Name, p => p.Conv);
        var dense = costs.Where(c => c.Kind == nameof(Conv3d)).ToDictionary(c => convByName[c.Name], c => (double)c.Macs);

        var recorder = new GateShapeRecorder(gated.Gates.Count);
        using (var zeros = Tensor.Zeros(one)) EvaluationPass.Run(network, recorder, [new LabeledBatch(zeros, [0])]);
        var geometries = gated.Gates.Select(g => GateGeometry.For(g, recorder.Shapes[g.Index]
            ?? throw new ArgumentException($"Gate {g.ConvName} did not run in a forward pass."))).ToArray();
        return new NetworkMacs(gated, dense, geometries, one);
    }

    /// <summary>The shape [1, T, H, W, C] of gate <paramref name="gate"/>'s input for one clip.</summary>
    public Shape GateInput(int gate)
    {
        var g = Gates[gate];
        return new Shape(1, g.FanT.Length, g.FanH.Length, g.FanW.Length, g.Conv.InChannels);
    }

    /// <summary>The gate in front of <paramref name="conv"/>, or -1 when the conv is not gated.</summary>
    public int GateOf(Conv3d conv) => _gateOf.TryGetValue(conv, out int gate) ? gate : -1;

    /// <summary>
    /// MACs that gated conv <paramref name="gate"/> executes on one clip's masked input <paramref name="clipInput"/>
    /// ([T, H, W, C] flattened) when it computes <paramref name="outputChannels"/> output channels: every non-zero
    /// element feeds its exact fan of outputs.
    /// </summary>
    public double ExecutedMacs(int gate, ReadOnlySpan<float> clipInput, int outputChannels)
    {
        var g = Gates[gate];
        int frames = g.FanT.Length, rows = g.FanH.Length, columns = g.FanW.Length, channels = g.Conv.InChannels;
        if (clipInput.Length != GateInput(gate).ElementCount)
            throw new ArgumentException($"Gate {gate} takes {GateInput(gate)} per clip, got {clipInput.Length} elements.", nameof(clipInput));
        double macs = 0;
        int at = 0;
        for (int t = 0; t < frames; t++)
        {
            double frame = 0;
            for (int h = 0; h < rows; h++)
            {
                double row = 0;
                for (int w = 0; w < columns; w++, at += channels)
                {
                    int nonZero = channels - CountZeros(clipInput.Slice(at, channels));
                    row += nonZero * (double)g.FanW[w];
                }
                frame += row * g.FanH[h];
            }
            macs += frame * g.FanT[t];
        }
        return macs * outputChannels;
    }

    /// <summary>MACs of <paramref name="conv"/> run densely on one clip over <paramref name="outputChannels"/> of its output channels.</summary>
    public double UngatedMacs(Conv3d conv, int outputChannels) => _denseMacs[conv] * outputChannels / conv.OutChannels;

    /// <summary>
    /// The contribution of gated conv <paramref name="gate"/> to the ratio's numerator, in dense-MAC units:
    /// its conventional dense MACs times executed / dense-executed MACs (as <see cref="GatedForward"/> weighs it).
    /// </summary>
    public double WeightedGateMacs(int gate, double executedMacs) =>
        _denseMacs[Gates[gate].Gate.Conv] * executedMacs / Gates[gate].DenseExecutedMacs;

    private static int CountZeros(ReadOnlySpan<float> values)
    {
        int zeros = 0;
        foreach (float v in values) if (v == 0f) zeros++;
        return zeros;
    }

    /// <summary>Records each gate's per-clip input shape during one forward pass.</summary>
    private sealed class GateShapeRecorder(int gates) : IActivationInterceptor
    {
        public Shape?[] Shapes { get; } = new Shape?[gates];

        public Variable OnActivation(ActivationGate gate, Variable activation)
        {
            var s = activation.Shape;
            Shapes[gate.Index] = new Shape(1, s[1], s[2], s[3], s[4]);
            return activation;
        }
    }
}
