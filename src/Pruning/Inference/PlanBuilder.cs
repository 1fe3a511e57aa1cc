using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference.Steps;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Inference;

/// <summary>
/// Lowers a zoo model to a list of steps on symbolic buffers: each conv with its batch norm folded in, gated where a gate
/// controls it (gated plans only). A ReLU goes into its conv's output pass where that conv can take it (the few-channel
/// stem); otherwise it stays pending on its value until a pass can fuse it (a gate's statistics pass, the controller's
/// features, max pooling, global pooling, a residual add) and is applied in place only before a dense conv or a fully
/// connected layer.
/// </summary>
internal sealed class PlanBuilder
{
    private readonly AapController? _controller;
    private readonly float _scale;
    private readonly Dictionary<Models.Layers.Conv3d, ActivationGate> _gates;
    private readonly Dictionary<object, string> _names;
    // The last conv emitted and its output: a batch norm that follows it (possibly across a nesting level, as after
    // R(2+1)D's factored conv) folds into it.
    private (FoldedConv Weights, PlanValue Output)? _lastConv;
    // Values whose producing conv can apply a ReLU in its own output pass.
    private readonly Dictionary<PlanValue, DenseConvStep> _rectifiable = [];

    public PlanBuilder(Module model, AapController? controller, float scale)
    {
        _controller = controller;
        _scale = scale;
        _gates = controller is null ? [] : ((IGatedNetwork)model).Gates.ToDictionary(g => g.Conv);
        _names = model.NamedParameters().ToDictionary(p => (object)p.Parameter, p => p.Name, ReferenceEqualityComparer.Instance);
    }

    public List<PlanStep> Steps { get; } = [];

    public List<PlanValue> Values { get; } = [];

    public List<PlanLayer> Layers { get; } = [];

    public ControllerStep? Controller { get; private set; }

    /// <summary>The clip's value ([1, T, H, W, 3], read in place from the caller), once built.</summary>
    public PlanValue? Clip { get; private set; }

    /// <summary>
    /// Checks the request of InferencePlan.Compile (and its GPU counterpart) and lowers <paramref name="model"/> for clips
    /// of <paramref name="frames"/> x <paramref name="height"/> x <paramref name="width"/>; the result is built, not yet laid out.
    /// </summary>
    /// <exception cref="ArgumentException">As InferencePlan.Compile documents.</exception>
    public static PlanBuilder Lower(Module model, int frames, int height, int width, AapController? controller, float scale, out PlanValue logits)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (frames <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Clip sizes must be positive, got {frames} frames of {height}x{width}.");
        if (controller is not null)
        {
            if (!(scale > 0 && float.IsFinite(scale)))
                throw new ArgumentException($"The calibration scale must be positive and finite, got {scale}.", nameof(scale));
            int gates = (model as IGatedNetwork)?.Gates.Count ?? 0;
            if (controller.Gates != gates)
                throw new ArgumentException($"The controller drives {controller.Gates} gates but the {model.GetType().Name} has {gates}: it was trained for another model.", nameof(controller));
        }
        var builder = new PlanBuilder(model, controller, scale);
        logits = builder.Build(model, new Shape(1, frames, height, width, 3));
        return builder;
    }

    /// <summary>
    /// Records which steps touch every value and lays the values out in one arena (<see cref="MemoryPlan"/>); returns its
    /// length in floats. Call once, after <see cref="Build"/>.
    /// </summary>
    public long LayOut()
    {
        for (int i = 0; i < Steps.Count; i++)
            foreach (var value in Steps[i].Values) value.Touch(i);
        return MemoryPlan.Layout(Values);
    }

    /// <summary>Lowers <paramref name="model"/> for clips of <paramref name="clip"/> ([1, T, H, W, 3]); returns the logits' value.</summary>
    public PlanValue Build(Module model, Shape clip)
    {
        var input = Clip = new PlanValue("clip", clip, isClip: true);
        Values.Add(input);
        return model switch
        {
            PlainConvNet plain => Plain(plain, input),
            VideoResNet resnet => Residual(resnet, input),
            _ => throw new ArgumentException(
                $"The inference plan compiles the zoo's {nameof(PlainConvNet)} and {nameof(VideoResNet)} models, not a {model.GetType().Name}.", nameof(model)),
        };
    }

    private PlanValue Plain(PlainConvNet model, PlanValue x)
    {
        for (int i = 0; i < model.Stages.Count; i++)
        {
            var (conv, norm, pool) = model.Stages[i];
            x = Conv(conv, norm, x, inputShared: false);
            Rectify(x);
            if (i == 0) Control(x);
            if (pool is not null) x = Pool(pool, x);
        }
        if (model.GlobalPool) x = GlobalPool(x);
        return Classifier(model.FullyConnected, x);
    }

    private PlanValue Residual(VideoResNet model, PlanValue x)
    {
        Linear? fc = null;
        foreach (var (name, child) in model.Children)
        {
            switch (child)
            {
                case Sequential stem when name == "stem":
                    x = Unit(stem, x, inputShared: false);
                    Control(x);
                    break;
                case Sequential layer:
                    foreach (var block in layer.Layers.Cast<BasicBlock>()) x = Block(block, x);
                    break;
                case Linear linear:
                    fc = linear;
                    break;
            }
        }
        return Classifier([fc!], GlobalPool(x));
    }

    /// <summary>relu(conv2(conv1(x)) + shortcut(x)); the block input feeds both paths, so conv1's gate masks a copy.</summary>
    private PlanValue Block(BasicBlock block, PlanValue x)
    {
        var hidden = Unit(block.Conv1, x, inputShared: true);
        var main = Unit(block.Conv2, hidden, inputShared: false);
        Materialize(x);
        var downsample = block.Children.FirstOrDefault(c => c.Name == "downsample").Module as Sequential;
        var shortcut = downsample is null ? x : Unit(downsample, x, inputShared: false);
        Emit(new AddReluStep($"{Layers[^1].Name} add+relu", main, shortcut));
        return main;
    }

    /// <summary>A chain of convs, batch norms (folded into the conv before), ReLUs (left pending) and max pools.</summary>
    private PlanValue Unit(Sequential unit, PlanValue x, bool inputShared)
    {
        var layers = unit.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            bool shared = inputShared && i == 0;
            switch (layers[i])
            {
                case Models.Layers.Conv3d conv:
                    x = Conv(conv, null, x, shared);
                    break;
                case BatchNorm3d norm when _lastConv is { } last && ReferenceEquals(last.Output, x) && !x.ReluPending
                    && !(_rectifiable.TryGetValue(x, out var producer) && producer.Rectify):
                    last.Weights.Fold(norm);
                    break;
                case ReLU:
                    Rectify(x);
                    break;
                case Models.Layers.MaxPool3d pool:
                    x = Pool(pool, x);
                    break;
                case Sequential nested:
                    x = Unit(nested, x, shared);
                    break;
                default:
                    throw new ArgumentException($"The inference plan cannot compile a {layers[i].GetType().Name} inside a {nameof(Sequential)}.", nameof(unit));
            }
        }
        return x;
    }

    private PlanValue Conv(Models.Layers.Conv3d conv, BatchNorm3d? norm, PlanValue x, bool inputShared)
    {
        var g = conv.GeometryFor(x.Shape);
        string name = _names[conv.Weight][..^".weight".Length];
        int layer = Layers.Count;
        var output = Value(name, g.OutputShape);
        var weights = new FoldedConv(conv);
        if (norm is not null) weights.Fold(norm);
        _lastConv = (weights, output);
        if (_gates.TryGetValue(conv, out var gate))
        {
            Layers.Add(new PlanLayer(name, g, gate.Index));
            var masked = inputShared ? Value($"{name} masked input", x.Shape) : x;
            // A gate on A_1 takes the controller's per-frame channel sums, unless its statistics pass must write a ReLU back.
            bool shareSums = Controller is not null && ReferenceEquals(x, Controller.FirstActivation) && !(x.ReluPending && inputShared);
            Emit(new GatedConvStep($"{name} gated", layer, GateGeometry.For(gate, x.Shape), weights, x, masked, output, x.ReluPending,
                shareSums ? Controller!.FrameChannelSums : null));
            x.ReluPending = false;
        }
        else
        {
            Layers.Add(new PlanLayer(name, g, -1));
            Materialize(x);
            var padded = FewChannelConv3d.Supports(g) ? Value($"{name} padded input", new Shape(1, FewChannelConv3d.PaddedLength(g))) : null;
            var step = new DenseConvStep(name, layer, g, weights, x, output, padded);
            Emit(step);
            if (step.CanRectify) _rectifiable[output] = step;
        }
        return output;
    }

    /// <summary>
    /// Max pooling; the input's pending ReLU moves to the smaller output. Directly after the gated conv that produced
    /// its input (the pool is then that output's only reader), the gated conv takes the pool over.
    /// </summary>
    private PlanValue Pool(Models.Layers.MaxPool3d pool, PlanValue x)
    {
        var g = pool.GeometryFor(x.Shape);
        var output = Value($"{x.Name} pool", g.OutputShape);
        if (Steps[^1] is GatedConvStep gated && ReferenceEquals(gated.Output, x)) gated.FusePool(g, output);
        else Emit(new MaxPoolStep(output.Name, g, x, output));
        output.ReluPending = x.ReluPending;
        x.ReluPending = false;
        return output;
    }

    private PlanValue GlobalPool(PlanValue x)
    {
        var output = Value($"{x.Name} global pool", new Shape(1, x.Shape[4]));
        Emit(new GlobalPoolStep(output.Name, x, output, x.ReluPending));
        x.ReluPending = false;
        return output;
    }

    /// <summary>The fully connected layers, ReLU between them (dropout is the identity at inference).</summary>
    private PlanValue Classifier(IReadOnlyList<Linear> layers, PlanValue x)
    {
        foreach (var layer in layers)
        {
            Materialize(x);
            string name = _names[layer.Weight][..^".weight".Length];
            var output = Value(name, new Shape(1, layer.OutFeatures));
            Emit(new LinearStep(name, layer, x, output));
            output.ReluPending = true;
            x = output;
        }
        x.ReluPending = false;
        return x;
    }

    /// <summary>The controller on A_1, in gated plans.</summary>
    private void Control(PlanValue firstActivation)
    {
        if (_controller is null) return;
        int expected = ControllerFeatures.Count(firstActivation.Shape[4], firstActivation.Shape[1]);
        if (_controller.Features != expected)
            throw new ArgumentException($"The controller reads {_controller.Features} features, but this model's A_1 {firstActivation.Shape} gives {expected}: "
                + "it was trained for another model or clip length.", "controller");
        Controller = new ControllerStep("controller", _controller, _scale, firstActivation);
        Emit(Controller);
    }

    /// <summary>A ReLU on <paramref name="x"/>: in its conv's output pass where that conv can take it, else left pending.</summary>
    private void Rectify(PlanValue x)
    {
        if (_rectifiable.TryGetValue(x, out var producer)) producer.Rectify = true;
        else x.ReluPending = true;
    }

    private void Materialize(PlanValue x)
    {
        if (!x.ReluPending) return;
        Emit(new ReluStep($"{x.Name} relu", x));
        x.ReluPending = false;
    }

    private PlanValue Value(string name, Shape shape)
    {
        var value = new PlanValue(name, shape);
        Values.Add(value);
        return value;
    }

    private void Emit(PlanStep step) => Steps.Add(step);
}
