using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Models.Zoo;

/// <summary>One stage of a plain 3D conv net: a 3x3x3 conv (padding 1), optional batch norm, ReLU, then an optional max pool.</summary>
/// <param name="Name">Name of the conv (e.g. <c>conv3a</c>); its batch norm is named by replacing "conv" with "bn".</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="Pool">Pool kernel (= stride) after the stage, or null.</param>
/// <param name="PoolPadding">Padding of that pool, or null for none.</param>
/// <param name="Stride">Stride of the conv, or null for 1.</param>
public sealed record ConvStage(string Name, int OutChannels, Dims3? Pool, Dims3? PoolPadding = null, Dims3? Stride = null);

/// <summary>
/// A C3D-style network: stacked conv stages (3x3x3, padding 1) and pools, then either fully connected
/// layers on the flattened features (C3D) or global average pooling and one classifier (tiny C3D).
/// </summary>
public sealed class PlainConvNet : Module, IGatedNetwork
{
    private readonly List<(Layers.Conv3d Conv, BatchNorm3d? Norm, MaxPool3d? Pool)> _stages = [];
    private readonly List<ActivationGate> _gates = [];
    private readonly List<Linear> _fullyConnected = [];
    private readonly bool _globalPool;
    private readonly float _dropout;
    private readonly ulong _dropoutSeed;
    private ulong _dropoutCalls;

    /// <summary>Builds the network for clips of <paramref name="inputFrames"/> x <paramref name="inputSize"/>^2 pixels.</summary>
    /// <param name="stages">The conv stages in order.</param>
    /// <param name="hidden">Widths of the fully connected layers before the classifier (C3D: 4096, 4096); empty for global pooling.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="batchNorm">Whether each conv is followed by batch norm (conv bias is then dropped).</param>
    /// <param name="inputFrames">Clip length, needed to size the first fully connected layer.</param>
    /// <param name="inputSize">Clip height and width.</param>
    /// <param name="dropout">Dropout probability after each hidden fully connected layer.</param>
    /// <param name="seed">Initialisation seed.</param>
    public PlainConvNet(IReadOnlyList<ConvStage> stages, IReadOnlyList<int> hidden, int classes, bool batchNorm, int inputFrames, int inputSize, float dropout, ulong seed)
    {
        if (stages.Count == 0 || classes <= 0) throw new ArgumentException($"A plain conv net needs at least one stage and a positive class count (got {stages.Count}, {classes}).");
        var seeds = new SeedSequence(seed);
        int channels = 3;
        var shape = new Shape(1, inputFrames, inputSize, inputSize, 3);
        var ignored = new List<LayerCost>();
        foreach (var stage in stages)
        {
            var conv = AddModule(stage.Name, new Layers.Conv3d(channels, stage.OutChannels, Dims3.Cube(3), stage.Stride, Dims3.Cube(1), bias: !batchNorm, seed: seeds.Next()));
            conv.InitializeKaimingFanOut(seeds.Next());
            var norm = batchNorm ? AddModule(stage.Name.Replace("conv", "bn", StringComparison.Ordinal), new BatchNorm3d(stage.OutChannels)) : null;
            var pool = stage.Pool is { } k ? new MaxPool3d(k, k, stage.PoolPadding) : null;
            _stages.Add((conv, norm, pool));
            shape = conv.InferShape(shape, ignored);
            if (pool is not null) shape = pool.InferShape(shape, ignored);
            channels = stage.OutChannels;
        }
        _globalPool = hidden.Count == 0;
        _dropout = dropout;
        _dropoutSeed = seeds.Next();
        int width = _globalPool ? channels : shape.ElementCount;
        for (int i = 0; i < hidden.Count; i++)
        {
            _fullyConnected.Add(AddModule($"fc{6 + i}", new Linear(width, hidden[i], seed: seeds.Next())));
            width = hidden[i];
        }
        _fullyConnected.Add(AddModule(_globalPool ? "fc" : $"fc{6 + hidden.Count}", new Linear(width, classes, seed: seeds.Next())));
        foreach (var (conv, _, _) in _stages.Skip(1)) _gates.Add(new ActivationGate(conv));
        GateNaming.Assign(this, _gates);
    }

    /// <inheritdoc />
    public IReadOnlyList<ActivationGate> Gates => _gates;

    /// <summary>The convolutions in order.</summary>
    public IEnumerable<Layers.Conv3d> Convolutions => _stages.Select(s => s.Conv);

    /// <summary>The stages in order: each conv, its batch norm (null without) and the max pool after its ReLU (null without).</summary>
    public IReadOnlyList<(Layers.Conv3d Conv, BatchNorm3d? Norm, MaxPool3d? Pool)> Stages => _stages;

    /// <summary>The fully connected layers in order, the classifier last (ReLU and dropout between them).</summary>
    public IReadOnlyList<Linear> FullyConnected => _fullyConnected;

    /// <summary>Whether the conv features are globally average-pooled (tiny C3D) rather than flattened (C3D) before the first fully connected layer.</summary>
    public bool GlobalPool => _globalPool;

    /// <inheritdoc />
    public override Variable Forward(Variable input) => ForwardRest(ForwardStem(input));

    /// <inheritdoc />
    public Variable ForwardStem(Variable clip)
    {
        var (conv, norm, _) = _stages[0];
        var x = conv.Forward(clip);
        if (norm is not null) x = norm.Forward(x);
        return Functional.Relu(x);
    }

    /// <inheritdoc />
    public Variable ForwardRest(Variable firstActivation)
    {
        var x = firstActivation;
        if (_stages[0].Pool is { } firstPool) x = firstPool.Forward(x);
        for (int i = 1; i < _stages.Count; i++)
        {
            var (conv, norm, pool) = _stages[i];
            x = conv.Forward(_gates[i - 1].Forward(x));
            if (norm is not null) x = norm.Forward(x);
            x = Functional.Relu(x);
            if (pool is not null) x = pool.Forward(x);
        }
        x = _globalPool ? Functional.GlobalAvgPool3d(x) : Functional.Reshape(x, x.Shape[0], -1);
        for (int i = 0; i < _fullyConnected.Count - 1; i++)
        {
            x = Functional.Relu(_fullyConnected[i].Forward(x));
            x = Functional.Dropout(x, _dropout, IsTraining, _dropoutSeed + _dropoutCalls++);
        }
        return _fullyConnected[^1].Forward(x);
    }

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        var shape = input;
        foreach (var (conv, norm, pool) in _stages)
        {
            shape = conv.InferShape(shape, costs, Sequential.Join(path, NameOf(conv)));
            if (norm is not null) shape = norm.InferShape(shape, costs, Sequential.Join(path, NameOf(norm)));
            if (pool is not null) shape = pool.InferShape(shape, costs);
        }
        shape = _globalPool ? new Shape(shape[0], shape[4]) : new Shape(shape[0], shape.ElementCount / shape[0]);
        foreach (var fc in _fullyConnected) shape = fc.InferShape(shape, costs, Sequential.Join(path, NameOf(fc)));
        return shape;
    }

    private string NameOf(Module child) => Children.First(c => ReferenceEquals(c.Module, child)).Name;
}
