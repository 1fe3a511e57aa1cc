using System.Diagnostics;
using System.Runtime.InteropServices;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference.Steps;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Pruning.Inference;

/// <summary>
/// A zoo model compiled for fast inference on one clip shape [1, T, H, W, 3] (channels-last), dense or DANCE-gated.
/// Batch norm is folded into the convs (eval statistics), ReLUs are fused into the passes that follow them, and every
/// activation buffer lives in one native arena laid out at compile time (buffers whose lifetimes do not overlap share
/// memory), so <see cref="Run"/> allocates nothing on the managed heap. A gated plan runs the stem, the controller on
/// A_1 and then every gated conv with the masks of its multipliers (times the calibration scale), choosing the
/// dense-compacted or the sparse-input kernel per conv by the measured density crossover (measured at compile time).
/// A plan is not thread-safe: use one per thread.
/// </summary>
/// <example><code>using var dense = InferencePlan.Compile(model, frames: 16, height: 32, width: 32);
/// using var gated = InferencePlan.Compile(model, 16, 32, 32, controller, scale: 1.15f);
/// gated.Run(clip, logits);
/// Console.WriteLine($"{gated.Counters.ExecutedMacRatio:P0} of the dense conv MACs");</code></example>
public sealed unsafe class InferencePlan : IInferencePlan
{
    private readonly PlanStep[] _steps;
    private readonly PlanState _state;
    private readonly PlanValue _logits;

    private InferencePlan(PlanBuilder builder, PlanValue logits, Shape clip, bool gated)
    {
        _steps = [.. builder.Steps];
        _logits = logits;
        ClipShape = clip;
        IsGated = gated;
        Layers = [.. builder.Layers];
        StepNames = [.. _steps.Select(s => s.Name)];
        StepLayers = [.. _steps.Select(s => s.ConvLayer)];
        ControllerStepIndex = Array.FindIndex(_steps, s => s is ControllerStep);
        ArenaBytes = builder.LayOut() * sizeof(float);
        var gatedSteps = _steps.OfType<GatedConvStep>().ToList();
        _state = new PlanState(gatedSteps.Count, Layers.Count)
        {
            Arena = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(ArenaBytes, NativeBufferPool.Alignment), NativeBufferPool.Alignment),
            Mask = gatedSteps.Count == 0 ? null
                : Conv3dInputMask.CreateReusable(gatedSteps.Max(s => s.Geometry.Input.T), gatedSteps.Max(s => s.Geometry.InChannels)),
        };
        Counters = new PlanCounters(_state.LayerWork, _state.Gates, _state.GateMaskSeconds, [.. Layers], _steps.Length, Layers.Sum(l => l.DenseExecutedMacs), builder.Controller?.Macs ?? 0);
        foreach (var step in _steps) step.Prepare();
        // Measure every gated conv's crossover now, and run once, so that the first clip allocates and measures nothing.
        foreach (var step in gatedSteps) GatedConv3dCrossover.Get(step.Geometry);
        Run(new float[ClipLength], new float[Classes]);
    }

    /// <inheritdoc/>
    public Shape ClipShape { get; }

    /// <inheritdoc/>
    public int ClipLength => ClipShape.ElementCount;

    /// <inheritdoc/>
    public int Classes => _logits.Length;

    /// <inheritdoc/>
    public bool IsGated { get; }

    /// <inheritdoc/>
    public IReadOnlyList<PlanLayer> Layers { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> StepNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> StepLayers { get; }

    /// <inheritdoc/>
    public int ControllerStepIndex { get; }

    /// <inheritdoc/>
    public long ArenaBytes { get; }

    /// <inheritdoc/>
    public PlanCounters Counters { get; }

    /// <summary>
    /// Whether <see cref="Run"/> times every step into <see cref="PlanCounters.StepSeconds"/> and every gate's masks into
    /// <see cref="PlanCounters.GateMaskSeconds"/> (a few timestamps per step).
    /// </summary>
    public bool CollectTimings { get; set; }

    /// <summary>
    /// Compiles <paramref name="model"/> (a zoo <see cref="Models.Zoo.PlainConvNet"/> or <see cref="Models.Zoo.VideoResNet"/>;
    /// its batch-norm running statistics are used whatever its mode) for clips of <paramref name="frames"/> x
    /// <paramref name="height"/> x <paramref name="width"/>. With a <paramref name="controller"/> the plan is gated, every
    /// multiplier times <paramref name="scale"/>. The plan copies the weights: later changes to the model do not reach it.
    /// </summary>
    /// <exception cref="ArgumentException">The model is not a zoo model, a size or the scale is not positive, the clip is
    /// too small for the model, or the controller was made for another model or clip length; the message names the values.</exception>
    public static InferencePlan Compile(Module model, int frames, int height, int width, AapController? controller = null, float scale = 1f)
    {
        var builder = PlanBuilder.Lower(model, frames, height, width, controller, scale, out var logits);
        return new InferencePlan(builder, logits, builder.Clip!.Shape, controller is not null);
    }

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> clip, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_state.Arena == null, this);
        if (clip.Length != ClipLength)
            throw new ArgumentException($"The clip has {clip.Length} values; this plan runs clips {ClipShape} of {ClipLength}.", nameof(clip));
        if (logits.Length != Classes)
            throw new ArgumentException($"The logits span has {logits.Length} values; the model has {Classes} classes.", nameof(logits));
        fixed (float* input = clip)
        {
            _state.Clip = input;
            try
            {
                if (CollectTimings) RunTimed();
                else foreach (var step in _steps) step.Run(_state);
            }
            finally
            {
                _state.Clip = null;
            }
        }
        _state.Span(_logits).CopyTo(logits);
    }

    /// <summary>Frees the arena. Further runs throw; disposing again does nothing.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>A safety net for a plan never disposed.</summary>
    ~InferencePlan() => Free();

    private void Free()
    {
        if (_state.Arena == null) return;
        NativeMemory.AlignedFree(_state.Arena);
        _state.Arena = null;
    }

    private void RunTimed()
    {
        var seconds = Counters.StepSecondsBuffer;
        _state.CollectTimings = true;
        try
        {
            for (int i = 0; i < _steps.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                _steps[i].Run(_state);
                seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        }
        finally
        {
            _state.CollectTimings = false;
        }
    }
}
