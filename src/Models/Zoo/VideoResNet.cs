using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Models.Zoo;

/// <summary>Which convolution a video ResNet's blocks use, as in torchvision.</summary>
public enum VideoResNetKind
{
    /// <summary>R3D-18: full 3x3x3 convolutions everywhere.</summary>
    R3D18,
    /// <summary>MC3-18: 3x3x3 in the stem and layer1, spatial-only 1x3x3 in layers 2-4.</summary>
    MC318,
    /// <summary>R(2+1)D-18: every 3x3x3 factored into a 1x3x3 spatial and a 3x1x1 temporal conv.</summary>
    R2Plus1D18,
}

/// <summary>
/// torchvision's VideoResNet (r3d_18, mc3_18, r2plus1d_18) with its module structure and parameter names
/// (<c>stem.0.weight</c>, <c>layer2.0.conv1.0.weight</c>, <c>layer2.0.downsample.1.running_mean</c>, <c>fc.bias</c>, ...),
/// so torchvision state dicts load as they are. A width multiplier scales every channel count for small hardware.
/// </summary>
public sealed class VideoResNet : Module, IGatedNetwork
{
    private readonly Sequential _stem;
    private readonly Sequential[] _layers;
    private readonly GlobalAvgPool3d _pool = new();
    private readonly Linear _fc;

    /// <summary>Builds the network.</summary>
    /// <exception cref="ArgumentException">The class count or width is not positive.</exception>
    public VideoResNet(VideoResNetKind kind, int classes, float width = 1f, ulong seed = 0)
    {
        if (classes <= 0 || !(width > 0)) throw new ArgumentException($"Classes ({classes}) and width ({width}) must be positive.");
        Kind = kind;
        var seeds = new SeedSequence(seed);
        int Scale(int c) => Math.Max(1, (int)MathF.Round(c * width));
        _stem = AddModule("stem", Stem(kind, Scale(64), seeds));
        int inPlanes = Scale(64);
        _layers = new Sequential[4];
        int[] planes = [Scale(64), Scale(128), Scale(256), Scale(512)];
        for (int i = 0; i < 4; i++)
        {
            int stride = i == 0 ? 1 : 2;
            var builder = kind == VideoResNetKind.MC318 && i > 0 ? VideoResNetKind.MC318 : kind == VideoResNetKind.MC318 ? VideoResNetKind.R3D18 : kind;
            _layers[i] = AddModule($"layer{i + 1}", new Sequential(
                new BasicBlock(builder, inPlanes, planes[i], stride, seeds),
                new BasicBlock(builder, planes[i], planes[i], 1, seeds)));
            inPlanes = planes[i];
        }
        _fc = AddModule("fc", new Linear(inPlanes, classes, seed: seeds.Next()));
        InitializeLikeTorchvision(seeds);
        Gates = _layers.SelectMany(l => l.Layers.Cast<BasicBlock>()).SelectMany(b => b.Gates).ToList();
        GateNaming.Assign(this, Gates);
    }

    /// <inheritdoc />
    public IReadOnlyList<ActivationGate> Gates { get; }

    /// <summary>Which variant this is.</summary>
    public VideoResNetKind Kind { get; }

    /// <inheritdoc />
    public override Variable Forward(Variable input) => ForwardRest(ForwardStem(input));

    /// <inheritdoc />
    public Variable ForwardStem(Variable clip) => _stem.Forward(clip);

    /// <inheritdoc />
    public Variable ForwardRest(Variable firstActivation)
    {
        var x = firstActivation;
        foreach (var layer in _layers) x = layer.Forward(x);
        return _fc.Forward(_pool.Forward(x));
    }

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        var shape = _stem.InferShape(input, costs, Sequential.Join(path, "stem"));
        for (int i = 0; i < _layers.Length; i++) shape = _layers[i].InferShape(shape, costs, Sequential.Join(path, $"layer{i + 1}"));
        return _fc.InferShape(_pool.InferShape(shape, costs), costs, Sequential.Join(path, "fc"));
    }

    private static Sequential Stem(VideoResNetKind kind, int planes, SeedSequence seeds)
    {
        if (kind != VideoResNetKind.R2Plus1D18)
            return new Sequential(
                new Layers.Conv3d(3, planes, new Dims3(3, 7, 7), new Dims3(1, 2, 2), new Dims3(1, 3, 3), bias: false, seed: seeds.Next()),
                new BatchNorm3d(planes), new ReLU());
        int mid = (int)MathF.Round(planes * 45f / 64f);
        return new Sequential(
            new Layers.Conv3d(3, mid, new Dims3(1, 7, 7), new Dims3(1, 2, 2), new Dims3(0, 3, 3), bias: false, seed: seeds.Next()),
            new BatchNorm3d(mid), new ReLU(),
            new Layers.Conv3d(mid, planes, new Dims3(3, 1, 1), padding: new Dims3(1, 0, 0), bias: false, seed: seeds.Next()),
            new BatchNorm3d(planes), new ReLU());
    }

    /// <summary>torchvision: Kaiming-normal (fan-out) convs, BN weight 1 and bias 0, fc weights N(0, 0.01) and bias 0.</summary>
    private void InitializeLikeTorchvision(SeedSequence seeds)
    {
        foreach (var conv in Descendants().OfType<Layers.Conv3d>()) conv.InitializeKaimingFanOut(seeds.Next());
        using (var w = Tensor.RandomNormal(_fc.Weight.Shape, seeds.Next(), 0f, 0.01f)) w.Span.CopyTo(_fc.Weight.Value.Span);
        _fc.Bias?.Value.Span.Clear();
    }
}
