using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;

namespace NativeDance.Pruning.Profiling;

/// <summary>
/// An <see cref="IInferencePlan"/> of any device, with <see cref="IInferencePlan.CollectTimings"/> on, and where it runs:
/// what <see cref="PlanProfiler"/> profiles. The CPU plan's steps are timed by the CPU clock, the GPU plan's by CUDA
/// events (one synchronisation per clip); both fill the same <see cref="PlanCounters"/>, so the profiler, its table and
/// its trace serve both. Owns the plan: disposing this disposes it.
/// </summary>
/// <example><code>using var profiled = new ProfiledPlan(InferencePlan.Compile(model, 16, 32, 32), "cpu");
/// profiled.Plan.Run(clip, logits);
/// Console.WriteLine(profiled.Plan.Counters.StepSeconds[0]);</code></example>
public sealed class ProfiledPlan : IDisposable
{
    /// <summary>Profiles <paramref name="plan"/>, which runs on <paramref name="device"/> (e.g. <c>cpu</c>, <c>gpu</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is null or blank.</exception>
    public ProfiledPlan(IInferencePlan plan, string device)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        Plan = plan;
        Device = device;
        Plan.CollectTimings = true;
    }

    /// <summary>Compiles CPU plans of <paramref name="model"/> for clips of <paramref name="frames"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static PlanFactory CpuFactory(Module model, int frames, int height, int width) =>
        (controller, scale) => new ProfiledPlan(InferencePlan.Compile(model, frames, height, width, controller, scale), "cpu");

    /// <summary>Where the plan runs, for headers and trace metadata, e.g. <c>cpu</c>.</summary>
    public string Device { get; }

    /// <summary>The plan; every run times its steps into its <see cref="IInferencePlan.Counters"/>.</summary>
    public IInferencePlan Plan { get; }

    /// <summary>Disposes the plan.</summary>
    public void Dispose() => Plan.Dispose();
}

/// <summary>Compiles a plan of the model being profiled: dense without a controller, gated with one at a calibration scale.</summary>
public delegate ProfiledPlan PlanFactory(AapController? controller, float scale);
