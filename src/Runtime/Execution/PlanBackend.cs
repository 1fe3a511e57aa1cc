using NativeDance.Data;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;

namespace NativeDance.Runtime.Execution;

/// <summary>
/// A device that compiles zoo models into <see cref="IExecutionPlan"/>s with <paramref name="compile"/>: for a clip size,
/// dense without a controller, otherwise gated with every threshold multiplier times the scale.
/// </summary>
internal sealed class PlanBackend(ComputeDevice device, Func<Module, ClipSpec, AapController?, float, IExecutionPlan> compile)
{
    /// <summary>The device the plans run on.</summary>
    public ComputeDevice Device => device;

    /// <summary>Compiles <paramref name="model"/> for clips of <paramref name="clip"/>.</summary>
    public IExecutionPlan Compile(Module model, ClipSpec clip, AapController? controller, float scale) => compile(model, clip, controller, scale);
}
