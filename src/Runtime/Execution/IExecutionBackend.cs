using NativeDance.Data;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;

namespace NativeDance.Runtime.Execution;

/// <summary>A device that compiles zoo models into <see cref="IExecutionPlan"/>s.</summary>
internal interface IExecutionBackend
{
    /// <summary>The device the plans run on.</summary>
    ComputeDevice Device { get; }

    /// <summary>
    /// Compiles <paramref name="model"/> for clips of <paramref name="clip"/>: dense without a controller, otherwise gated
    /// with every threshold multiplier times <paramref name="scale"/>.
    /// </summary>
    IExecutionPlan Compile(Module model, ClipSpec clip, AapController? controller, float scale);
}
