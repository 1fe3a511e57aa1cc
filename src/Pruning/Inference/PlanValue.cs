using NativeDance.Tensors;

namespace NativeDance.Pruning.Inference;

/// <summary>
/// One activation buffer of a plan: its shape, the steps that touch it (its lifetime, in step order) and, once the
/// memory plan is laid out, its offset in the plan's arena. The clip is a value too, read in place from the caller.
/// </summary>
internal sealed class PlanValue(string name, Shape shape, bool isClip = false)
{
    public string Name { get; } = name;

    /// <summary>[1, T, H, W, C] channels-last, or [1, F] after pooling or flattening.</summary>
    public Shape Shape { get; } = shape;

    public int Length => Shape.ElementCount;

    /// <summary>The caller's clip: never in the arena, never written.</summary>
    public bool IsClip { get; } = isClip;

    /// <summary>While building: a ReLU every consumer wants is still to be applied (fused into the first pass that can).</summary>
    public bool ReluPending { get; set; }

    /// <summary>First and last step that touch the value.</summary>
    public int FirstStep { get; private set; } = int.MaxValue;

    public int LastStep { get; private set; } = -1;

    /// <summary>Offset in floats within the arena (64-byte aligned), set by <see cref="MemoryPlan"/>.</summary>
    public long Offset { get; set; } = -1;

    public void Touch(int step)
    {
        FirstStep = Math.Min(FirstStep, step);
        LastStep = Math.Max(LastStep, step);
    }
}
