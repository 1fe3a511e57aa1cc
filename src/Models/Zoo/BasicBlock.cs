using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Models.Zoo;

/// <summary>
/// torchvision's video BasicBlock: relu(conv2(conv1(x)) + shortcut(x)) where conv1 = [conv, BN, ReLU],
/// conv2 = [conv, BN] and the shortcut is the identity or downsample = [1x1x1 conv, BN].
/// </summary>
public sealed class BasicBlock : Module
{
    private readonly Sequential _conv1;
    private readonly Sequential _conv2;
    private readonly Sequential? _downsample;
    private readonly ActivationGate _gate1;
    private readonly ActivationGate _gate2;

    internal BasicBlock(VideoResNetKind builder, int inPlanes, int planes, int stride, SeedSequence seeds)
    {
        // torchvision sizes the (2+1)D middle channels from the block input and uses the same count in both units.
        int mid = inPlanes * planes * 27 / (inPlanes * 9 + 3 * planes);
        _conv1 = AddModule("conv1", new Sequential(ConvUnit(builder, inPlanes, planes, mid, stride, seeds), new BatchNorm3d(planes), new ReLU()));
        _conv2 = AddModule("conv2", new Sequential(ConvUnit(builder, planes, planes, mid, 1, seeds), new BatchNorm3d(planes)));
        _gate1 = new ActivationGate(FirstConv(_conv1));
        _gate2 = new ActivationGate(FirstConv(_conv2));
        if (stride != 1 || inPlanes != planes)
        {
            var dsStride = builder == VideoResNetKind.MC318 ? new Dims3(1, stride, stride) : Dims3.Cube(stride);
            _downsample = AddModule("downsample", new Sequential(
                new Layers.Conv3d(inPlanes, planes, Dims3.Cube(1), dsStride, bias: false, seed: seeds.Next()), new BatchNorm3d(planes)));
        }
    }

    /// <summary>The gates in front of conv1 and conv2 (the shortcut is never gated).</summary>
    public IReadOnlyList<ActivationGate> Gates => [_gate1, _gate2];

    /// <summary>The [conv, BN, ReLU] unit whose input is the block input.</summary>
    public Sequential Conv1 => _conv1;

    /// <summary>The [conv, BN] unit whose input is conv1's output.</summary>
    public Sequential Conv2 => _conv2;

    /// <inheritdoc />
    public override Variable Forward(Variable input)
    {
        var hidden = _conv1.Forward(_gate1.Forward(input));
        var main = _conv2.Forward(_gate2.Forward(hidden));
        var shortcut = _downsample?.Forward(input) ?? input;
        return Functional.Relu(main + shortcut);
    }

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        var main = _conv2.InferShape(_conv1.InferShape(input, costs, Sequential.Join(path, "conv1")), costs, Sequential.Join(path, "conv2"));
        var shortcut = _downsample?.InferShape(input, costs, Sequential.Join(path, "downsample")) ?? input;
        if (main != shortcut) throw new ArgumentException($"Residual block at '{path}': main path {main} and shortcut {shortcut} differ for input {input}.");
        return main;
    }

    private static Layers.Conv3d FirstConv(Sequential unit) =>
        unit.Layers[0] as Layers.Conv3d ?? (Layers.Conv3d)((Sequential)unit.Layers[0]).Layers[0];

    /// <summary>torchvision's Conv3DSimple, Conv3DNoTemporal or Conv2Plus1D (1x3x3 spatial, BN, ReLU, 3x1x1 temporal).</summary>
    private static Module ConvUnit(VideoResNetKind builder, int inPlanes, int outPlanes, int midPlanes, int stride, SeedSequence seeds) => builder switch
    {
        VideoResNetKind.R3D18 => new Layers.Conv3d(inPlanes, outPlanes, Dims3.Cube(3), Dims3.Cube(stride), Dims3.Cube(1), bias: false, seed: seeds.Next()),
        VideoResNetKind.MC318 => new Layers.Conv3d(inPlanes, outPlanes, new Dims3(1, 3, 3), new Dims3(1, stride, stride), new Dims3(0, 1, 1), bias: false, seed: seeds.Next()),
        _ => new Sequential(
            new Layers.Conv3d(inPlanes, midPlanes, new Dims3(1, 3, 3), new Dims3(1, stride, stride), new Dims3(0, 1, 1), bias: false, seed: seeds.Next()),
            new BatchNorm3d(midPlanes), new ReLU(),
            new Layers.Conv3d(midPlanes, outPlanes, new Dims3(3, 1, 1), new Dims3(stride, 1, 1), new Dims3(1, 0, 0), bias: false, seed: seeds.Next())),
    };
}
