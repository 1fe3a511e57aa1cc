using System.Runtime.InteropServices;
using NativeDance.Cuda.Kernels;
using NativeDance.Cuda.Kernels.Conv;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Pruning.Inference.Steps;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;

namespace NativeDance.Cuda.Inference;

/// <summary>
/// Turns the CPU plan's steps (<see cref="PlanBuilder"/>: batch norm folded, ReLUs fused where the CPU fuses them) into
/// kernel launches on one device (a ReLU pass right after a conv goes into the conv's epilogue), every address fixed now: the activation arena laid out by <see cref="MemoryPlan"/>,
/// the clip, the weights (one buffer per tensor), the scratch the gates share (they run one after another: partial sums,
/// kept lists, channel bits, the split-K workspace) and the read-back region (<see cref="PlanReadback"/>), into which
/// the last layer writes the logits directly. A gate's decisions never leave the device: gate_statistics (or the
/// controller's sums, for a gate on A_1) -> gate_thresholds -> gate_mask -> the masked conv, which reads the kept counts
/// from the decision block.
/// </summary>
internal sealed class GpuPlanLowering
{
    private readonly IKernelDevice _device;
    private readonly PlanValue _logits;
    private readonly ulong _arena;
    private readonly ulong _workspace;
    private readonly ulong _gatePartials, _keptFrames, _keptChannels, _channelBits;
    private readonly ulong _multipliers;
    private readonly AapController? _controller;
    private readonly float _scale;
    private readonly List<GateMark> _gateMarks = [];
    private ulong _controllerPartials;

    public GpuPlanLowering(IKernelDevice device, PlanBuilder builder, PlanValue logits, long arenaFloats, AapController? controller, float scale)
    {
        _device = device;
        _logits = logits;
        _controller = controller;
        _scale = scale;
        var gated = builder.Steps.OfType<GatedConvStep>().ToList();
        Readback = new PlanReadback(controller?.Gates ?? 0, builder.Layers.Count, logits.Length);
        ReadbackAddress = device.Allocate(Readback.Bytes);
        Clip = device.Allocate((long)builder.Clip!.Length * sizeof(float));
        _arena = device.Allocate(arenaFloats * sizeof(float));
        long workspace = builder.Steps.Select(s => s switch
        {
            DenseConvStep d => Plan(d.Geometry, masked: false).WorkspaceBytes,
            GatedConvStep g => Plan(g.Geometry, masked: true).WorkspaceBytes,
            _ => 0,
        }).DefaultIfEmpty(0).Max();
        _workspace = workspace == 0 ? 0 : device.Allocate(workspace);
        if (gated.Count > 0)
        {
            _gatePartials = device.Allocate(gated.Max(g => (long)Extent(g.Geometry).PartialLength) * sizeof(float));
            _keptFrames = device.Allocate(gated.Max(g => (long)g.Geometry.Input.T) * sizeof(int));
            _keptChannels = device.Allocate(gated.Max(g => (long)g.Geometry.InChannels) * sizeof(int));
            _channelBits = device.Allocate(gated.Max(g => (long)g.Geometry.InChannels) * sizeof(uint));
            _multipliers = device.Allocate(3L * controller!.Gates * sizeof(float));
        }
        var steps = builder.Steps;
        var stepLaunches = new List<int>(steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            stepLaunches.Add(Launches.Count);
            // A ReLU right after the conv that wrote its value goes into that conv's epilogue (the CPU engine's conv has
            // none, so the CPU plan keeps it as a pass, which here has no launch of its own).
            bool fuseRelu = i + 1 < steps.Count && steps[i + 1] is ReluStep relu && ReferenceEquals(relu.Value, ConvOutput(steps[i]));
            Lower(steps[i], i, fuseRelu);
            if (!fuseRelu) continue;
            stepLaunches.Add(Launches.Count);
            i++;
        }
        Timeline = new PlanTimeline(stepLaunches, Launches.Count, _gateMarks);
        for (int i = 0; i < builder.Layers.Count; i++)
            DenseWork.Add(builder.Layers[i].Gate < 0 ? GatedConvCost.DenseCompacted(builder.Layers[i].Geometry, null) : default);
    }

    /// <summary>The launches of one clip, in order.</summary>
    public List<PreparedLaunch> Launches { get; } = [];

    /// <summary>The gated convs, in execution order.</summary>
    public List<GatedLayer> Gated { get; } = [];

    /// <summary>Per layer the analytic work of a dense conv (the default for gated layers, counted per clip instead).</summary>
    public List<ConvWorkCounters> DenseWork { get; } = [];

    public PlanReadback Readback { get; }

    /// <summary>Where a timed run records its markers.</summary>
    public PlanTimeline Timeline { get; }

    public ulong ReadbackAddress { get; }

    /// <summary>Where the clip is copied, [T, H, W, 3].</summary>
    public ulong Clip { get; }

    private static PlanValue? ConvOutput(PlanStep step) => step switch
    {
        DenseConvStep s => s.Output,
        GatedConvStep s => s.Pooled ?? s.Output,
        _ => null,
    };

    private void Lower(PlanStep step, int index, bool relu)
    {
        switch (step)
        {
            case DenseConvStep s:
                Conv(Plan(s.Geometry, masked: false), s.Weights, s.Input, s.Output, s.Rectify || relu, mask: null, counter: 0);
                break;
            case GatedConvStep s:
                Gate(s, index, relu);
                break;
            case ControllerStep s:
                Controller(s);
                break;
            case MaxPoolStep s:
                Add(PoolingKernels.MaxPool3d(s.Geometry, Address(s.Input), Address(s.Output)));
                break;
            case GlobalPoolStep s:
                int channels = s.Output.Length;
                Add(PoolingKernels.GlobalAvgPool(1, s.Input.Length / channels, channels, s.Rectify, Address(s.Input), Address(s.Output)));
                break;
            case LinearStep s:
                var layer = s.Layer;
                ulong bias = layer.Bias is null ? 0 : Upload<float>(layer.Bias.Value.ToArray());
                Add(LinearKernels.Forward(LinearGeometry.Create(1, layer.InFeatures, layer.OutFeatures), Address(s.Input),
                    Upload<float>(layer.Weight.Value.ToArray()), bias, Address(s.Output), rectifyInput: false));
                break;
            case ReluStep s:
                Add(ElementwiseKernels.Relu(Address(s.Value), s.Value.Length));
                break;
            case AddReluStep s:
                Add(ElementwiseKernels.AddRelu(Address(s.Main), Address(s.Shortcut), s.Main.Length));
                break;
            default:
                throw new InvalidOperationException($"The GPU plan cannot run a {step.GetType().Name} ({step.Name}).");
        }
    }

    /// <summary>The conv entry and, with split-K, the reduction that applies the bias and the ReLU.</summary>
    private void Conv(Conv3dLaunchPlan plan, FoldedConv weights, PlanValue input, PlanValue output, bool relu, Conv3dDeviceMask? mask, ulong counter)
    {
        ulong weight = Upload<float>(weights.Weight), bias = Upload<float>(weights.Bias);
        ulong workspace = plan.Splits > 1 ? _workspace : 0;
        ulong x = Address(input), y = Address(output);
        if (mask is { } m) Add(new KernelLaunch<Conv3dMaskedArgs>(plan.Module, plan.Entry, plan.Conv, plan.MaskedArgs(x, weight, bias, y, workspace, m, counter, relu)));
        else Add(new KernelLaunch<Conv3dForwardArgs>(plan.Module, plan.Entry, plan.Conv, plan.ForwardArgs(x, weight, bias, y, workspace, relu)));
        if (plan.Splits > 1)
            Add(new KernelLaunch<Conv3dSplitKReduceArgs>(Conv3dLaunchPlan.ReduceModule, Conv3dLaunchPlan.ReduceEntry, plan.Reduce, plan.ReduceArgs(workspace, bias, y, relu)));
    }

    /// <summary>Statistics (unless the controller's sums serve), thresholds, masking, then the masked conv counting its MACs.</summary>
    private void Gate(GatedConvStep step, int index, bool relu)
    {
        var g = step.Geometry;
        var clip = Extent(g);
        ulong input = Address(step.Input), masked = Address(step.Masked);
        ulong partials = _gatePartials;
        if (step.SharesSums) partials = _controllerPartials;
        else Add(GateStatisticsKernels.Statistics(clip, step.Rectify, step.Rectify && step.Masked != step.Input, input, partials));
        ulong decision = ReadbackAddress + (ulong)Readback.DecisionOffset(step.Gate);
        Add(GateMaskKernels.Thresholds(clip, partials, _multipliers + 3UL * sizeof(float) * (ulong)step.Gate, _keptFrames, _keptChannels, _channelBits, decision));
        var frameFan = new uint[step.FrameFan.Length];
        for (int t = 0; t < frameFan.Length; t++) frameFan[t] = checked((uint)step.FrameFan[t]);
        Add(GateMaskKernels.Mask(clip, input, masked, _keptFrames, _channelBits, Upload(MemoryMarshal.Cast<int, uint>(step.PixelFan)), Upload<uint>(frameFan), decision));
        // GateDecision: KeptFrames at byte 0, KeptChannels at byte 4.
        var mask = new Conv3dDeviceMask(_keptFrames, decision, _keptChannels, decision + sizeof(uint));
        ulong counter = ReadbackAddress + (ulong)Readback.CounterOffset(step.ConvLayer);
        _gateMarks.Add(new GateMark(step.Gate, index, Launches.Count));
        Conv(Plan(g, masked: true), step.Weights, step.Masked, step.Output, relu, mask, counter);
        // The CPU's sparse kernel pools in its copy-out; here the pool stays a pass of its own over the conv's output.
        if (step.Pool is { } pool) Add(PoolingKernels.MaxPool3d(pool, Address(step.Output), Address(step.Pooled!)));
        Gated.Add(new GatedLayer(step.ConvLayer, step.Gate, g, step.DenseExecutedMacs));
    }

    /// <summary>A_1's statistics (whose plane 0, the per-frame channel sums, also serves a gate on A_1), features and the MLP.</summary>
    private void Controller(ControllerStep step)
    {
        var a1 = step.FirstActivation.Shape;
        var clip = new ClipExtent(a1[1], a1[2] * a1[3], a1[4]);
        var parameters = _controller!.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());
        var buffers = _controller.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer.ToArray());
        int hidden = parameters["fc1.bias"].Length;
        if (parameters["fc2.bias"].Length != hidden)
            throw new ArgumentException($"The GPU controller needs equal hidden layers; this one has {hidden} and {parameters["fc2.bias"].Length}.", "controller");
        var weights = new ControllerWeights(Upload<float>(buffers["feature_mean"]), Upload<float>(buffers["feature_std"]),
            Upload<float>(parameters["fc1.weight"]), Upload<float>(parameters["fc1.bias"]), Upload<float>(parameters["fc2.weight"]),
            Upload<float>(parameters["fc2.bias"]), Upload<float>(parameters["fc3.weight"]), Upload<float>(parameters["fc3.bias"]));
        _controllerPartials = _device.Allocate(4L * clip.PartialLength * sizeof(float));
        ulong features = _device.Allocate((long)clip.FeatureCount * sizeof(float));
        Add(GateStatisticsKernels.ControllerFrameStatistics(clip, Address(step.FirstActivation), _controllerPartials));
        Add(GateStatisticsKernels.ControllerFeatures(clip, _controllerPartials, features));
        Add(ControllerKernels.Mlp(new ControllerShape(_controller.Features, hidden, _controller.Gates), _scale, weights, features, _multipliers));
    }

    private Conv3dLaunchPlan Plan(in Conv3dGeometry g, bool masked) => Conv3dLaunchPlan.Choose(g, _device.MultiprocessorCount, masked);

    private static ClipExtent Extent(in Conv3dGeometry g) => new(g.Input.T, g.Input.H * g.Input.W, g.InChannels);

    private ulong Address(PlanValue value) =>
        value.IsClip ? Clip
        : ReferenceEquals(value, _logits) ? ReadbackAddress + (ulong)Readback.LogitsOffset
        : _arena + (ulong)value.Offset * sizeof(float);

    private ulong Upload<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        ulong address = _device.Allocate(bytes.Length);
        _device.Write(address, bytes);
        return address;
    }

    private void Add<TArgs>(in KernelLaunch<TArgs> launch) where TArgs : unmanaged => Launches.Add(PreparedLaunch.Of(launch));
}
