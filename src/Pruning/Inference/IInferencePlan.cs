using NativeDance.Tensors;

namespace NativeDance.Pruning.Inference;

/// <summary>
/// A zoo model compiled for fast inference on one clip shape, on any device: <see cref="InferencePlan"/> on the CPU, the
/// CUDA plan on a GPU. Both lower the model the same way, so their steps, layers and counters line up one to one; a
/// caller that only runs clips and reads what they did (the profiler, the runtime's plan pool) serves both through this.
/// A plan is not thread-safe: use one per thread.
/// </summary>
/// <example><code>IInferencePlan plan = InferencePlan.Compile(model, 16, 32, 32, controller, scale: 1.15f);
/// plan.Run(clip, logits);
/// Console.WriteLine($"{plan.Counters.ExecutedMacRatio:P0} of the dense conv MACs");</code></example>
public interface IInferencePlan : IDisposable
{
    /// <summary>The clip shape the plan runs: [1, T, H, W, 3].</summary>
    Shape ClipShape { get; }

    /// <summary>Values per clip: T * H * W * 3.</summary>
    int ClipLength { get; }

    /// <summary>Logits per clip.</summary>
    int Classes { get; }

    /// <summary>Whether the plan runs DANCE's controller and masks.</summary>
    bool IsGated { get; }

    /// <summary>The convolutions in execution order (the index of <see cref="PlanCounters.LayerWork"/>).</summary>
    IReadOnlyList<PlanLayer> Layers { get; }

    /// <summary>The passes in execution order (the index of <see cref="PlanCounters.StepSeconds"/>).</summary>
    IReadOnlyList<string> StepNames { get; }

    /// <summary>For each step (indexed like <see cref="StepNames"/>), the index in <see cref="Layers"/> of the conv it runs, or -1.</summary>
    IReadOnlyList<int> StepLayers { get; }

    /// <summary>Index of the controller's step in <see cref="StepNames"/>, or -1 for a dense plan.</summary>
    int ControllerStepIndex { get; }

    /// <summary>Size of the activation arena, in the memory of the device the plan runs on.</summary>
    long ArenaBytes { get; }

    /// <summary>What the last run did; overwritten by every run.</summary>
    PlanCounters Counters { get; }

    /// <summary>
    /// Whether <see cref="Run"/> times every step into <see cref="PlanCounters.StepSeconds"/> and every gate's masks into
    /// <see cref="PlanCounters.GateMaskSeconds"/>, by the device's own clock. Off by default.
    /// </summary>
    bool CollectTimings { get; set; }

    /// <summary>Runs one clip ([T, H, W, 3] channels-last) and writes its logits. Allocates nothing on the managed heap.</summary>
    /// <exception cref="ArgumentException">A length is wrong; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The plan was disposed.</exception>
    void Run(ReadOnlySpan<float> clip, Span<float> logits);
}
