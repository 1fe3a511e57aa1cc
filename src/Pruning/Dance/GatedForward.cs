using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Dance;

/// <summary>What one gated forward pass kept, per gate and per clip.</summary>
/// <param name="Gate">Gate index.</param>
/// <param name="FrameKeep">Kept frames / frames, per clip.</param>
/// <param name="ChannelKeep">Kept channels / channels, per clip.</param>
/// <param name="FeatureKeep">Non-zero kept elements / elements of the kept frames and channels, per clip.</param>
/// <param name="MacFraction">Executed MACs of the gated conv / its dense executed MACs, per clip.</param>
public sealed record GateRecord(int Gate, float[] FrameKeep, float[] ChannelKeep, float[] FeatureKeep, float[] MacFraction);

/// <summary>
/// A rule other than DANCE's controller thresholds that masks a gate's input (the random-controller ablation): it returns
/// the masked activation, each clip's executed-MAC fraction of the gated conv (<see cref="GateMasking.ExecutedFraction"/>)
/// and what it kept.
/// </summary>
internal interface IGateMaskRule
{
    (Variable Masked, Variable MacFraction, GateRecord Record) Apply(ActivationGate gate, Variable activation, GateGeometry geometry);
}

/// <summary>
/// Runs a gated network with a controller: stem -> A_1 -> features -> multipliers k (times the calibration scale) ->
/// the rest of the network with every gate masking its conv input. Collects the per-gate MAC fractions (differentiable)
/// and what each gate kept, and turns them into the whole network's executed-MAC ratio R(x). The ablations choose which
/// granularities are masked and whether the features are read off A_1 or off the raw clip.
/// </summary>
public sealed class GatedForward : IActivationInterceptor
{
    private readonly Module _network;
    private readonly IGatedNetwork _gated;
    private readonly AapController? _controller;
    private readonly IGateMaskRule? _rule;
    private readonly Dictionary<int, GateGeometry> _geometries = [];
    private readonly List<(int Gate, Variable Fraction)> _fractions = [];
    private readonly List<GateRecord> _records = [];
    private Variable? _multipliers;
    private float _temperature = 1f;
    private double _totalMacs;

    /// <summary>Binds a gated network and its controller.</summary>
    /// <param name="network">A network with activation gates (<see cref="IGatedNetwork"/>).</param>
    /// <param name="controller">A controller trained for this network's gates and for <paramref name="input"/>.</param>
    /// <param name="masks">The granularities masked; the others keep everything.</param>
    /// <param name="input">What the controller's statistics are computed on.</param>
    /// <exception cref="ArgumentException">The network has no gates, or the controller drives a different number of gates.</exception>
    public GatedForward(Module network, AapController controller, MaskGranularity masks = MaskGranularity.All, ControllerInput input = ControllerInput.FirstActivation)
        : this(network)
    {
        if (controller.Gates != _gated.Gates.Count)
            throw new ArgumentException($"The controller drives {controller.Gates} gates but the network has {_gated.Gates.Count}: it was trained for another model.", nameof(controller));
        if ((masks & ~MaskGranularity.All) != 0) throw new ArgumentException($"Unknown mask granularities {masks}.", nameof(masks));
        _controller = controller;
        Masks = masks;
        Input = input;
    }

    /// <summary>Binds a gated network to a mask rule of an ablation.</summary>
    internal GatedForward(Module network, IGateMaskRule rule)
        : this(network)
    {
        _rule = rule;
    }

    private GatedForward(Module network)
    {
        _gated = network as IGatedNetwork ?? throw new ArgumentException($"{network.GetType().Name} has no activation gates.", nameof(network));
        _network = network;
    }

    /// <summary>The calibration scale s multiplying every k at deployment.</summary>
    public float Scale { get; set; } = 1f;

    /// <summary>The granularities masked at every gate.</summary>
    public MaskGranularity Masks { get; } = MaskGranularity.All;

    /// <summary>What the controller's statistics are computed on.</summary>
    public ControllerInput Input { get; }

    /// <summary>The per-gate records of the last pass.</summary>
    public IReadOnlyList<GateRecord> Records => _records;

    /// <summary>Geometry of every gate seen so far, by index.</summary>
    public IReadOnlyDictionary<int, GateGeometry> Geometries => _geometries;

    /// <summary>Conventional dense MACs of every conv of the network for one clip.</summary>
    public double TotalMacs => _totalMacs;

    /// <summary>
    /// The gated logits; <paramref name="macRatio"/> is R(x) [N]: executed MACs of all convs (ungated ones dense) over dense MACs.
    /// The stem is frozen: no graph is recorded through it.
    /// </summary>
    /// <exception cref="ArgumentException">The controller was trained on features of another size (another model or input).</exception>
    public Variable Run(Variable clips, float surrogateTemperature, out Variable macRatio)
    {
        Variable firstActivation;
        using (GradMode.NoGrad()) firstActivation = _gated.ForwardStem(clips);
        return Run(clips, firstActivation, surrogateTemperature, out macRatio);
    }

    /// <summary>As <see cref="Run(Variable, float, out Variable)"/> with the stem's output A_1 already computed (and shared with a caller).</summary>
    internal Variable Run(Variable clips, Variable firstActivation, float surrogateTemperature, out Variable macRatio)
    {
        if (_totalMacs == 0) _totalMacs = DenseConvMacs(clips.Shape);
        _temperature = surrogateTemperature;
        if (_controller is not null) _multipliers = Multipliers(clips.Value, firstActivation.Value);
        _fractions.Clear();
        _records.Clear();
        Variable logits;
        using (ActivationGate.Intercept(this)) logits = _gated.ForwardRest(Variable.Constant(firstActivation.Value));
        macRatio = MacRatio();
        return logits;
    }

    /// <inheritdoc />
    public Variable OnActivation(ActivationGate gate, Variable activation)
    {
        if (!_geometries.TryGetValue(gate.Index, out var geometry))
        {
            var s = activation.Shape;
            geometry = _geometries[gate.Index] = GateGeometry.For(gate, new Shape(1, s[1], s[2], s[3], s[4]));
        }
        var (masked, fraction, record) = _rule?.Apply(gate, activation, geometry) ?? Threshold(gate, activation, geometry);
        _fractions.Add((gate.Index, fraction));
        _records.Add(record);
        return masked;
    }

    /// <summary>DANCE's masks: this gate's slice of the controller's multipliers, thresholds in METHOD.md's order.</summary>
    private (Variable Masked, Variable MacFraction, GateRecord Record) Threshold(ActivationGate gate, Variable activation, GateGeometry geometry)
    {
        var k = Functional.Slice(_multipliers!, 1, 3 * gate.Index, 3);
        var (masked, fraction, state) = GateMasking.Apply(activation, k, geometry, _temperature, Masks);
        return (masked, fraction, Record(gate.Index, state, activation.Shape, fraction.Value));
    }

    /// <summary>The scaled multipliers [N, 3 * gates] for a batch.</summary>
    private Variable Multipliers(Tensor clips, Tensor firstActivation)
    {
        var features = GraphScope.Track(ControllerFeatures.Compute(Input == ControllerInput.RawClip ? clips : firstActivation));
        if (features.Shape[1] != _controller!.Features)
            throw new ArgumentException($"The controller reads {_controller.Features} features but this network and input ({Input}) give {features.Shape[1]}: it was trained for another model or input.");
        var multipliers = _controller.Forward(Variable.Constant(features));
        return Scale != 1f ? multipliers * Scale : multipliers;
    }

    /// <summary>(dense MACs of ungated convs + sum over gates of dense MACs * fraction) / all dense conv MACs.</summary>
    private Variable MacRatio()
    {
        double gatedDense = _fractions.Sum(f => (double)_geometries[f.Gate].DenseMacs);
        int n = _fractions[0].Fraction.Shape[0];
        var ratio = Variable.Constant(GraphScope.Track(Tensor.Full(new Shape(n), (float)((_totalMacs - gatedDense) / _totalMacs))));
        foreach (var (gate, fraction) in _fractions)
            ratio = ratio + fraction * (float)(_geometries[gate].DenseMacs / _totalMacs);
        return ratio;
    }

    private double DenseConvMacs(Shape clips)
    {
        var costs = new List<LayerCost>();
        _network.InferShape(new Shape(1, clips[1], clips[2], clips[3], clips[4]), costs);
        return costs.Where(c => c.Kind == nameof(Models.Layers.Conv3d)).Sum(c => (double)c.Macs);
    }

    private static GateRecord Record(int gate, GateMasking state, Shape shape, Tensor fraction)
    {
        int n = shape[0], pixels = shape[2] * shape[3];
        var frames = new float[n];
        var channels = new float[n];
        var features = new float[n];
        for (int s = 0; s < n; s++)
        {
            var m = state.Masks[s];
            frames[s] = (float)m.KeptFrames / shape[1];
            channels[s] = (float)m.KeptChannels / shape[4];
            double region = (double)m.KeptFrames * m.KeptChannels * pixels;
            features[s] = region == 0 ? 0f : (float)(m.KeptFeatures / region);
        }
        return new GateRecord(gate, frames, channels, features, fraction.ToArray());
    }
}
