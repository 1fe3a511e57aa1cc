using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Profiling;
using NativeDance.Tests.Inference;

namespace NativeDance.Tests.Profiling;

/// <summary>
/// A small tiny-c3d profile, dense and gated, shared by the profiling tests (profiling it once keeps them fast): of CPU
/// plans, or of the plans another factory compiles for the same model (the GPU plan on the PTX interpreter).
/// </summary>
public class ProfileFixture
{
    public const int ClipCount = 3;
    public const int Repeats = 2;

    public ProfileFixture()
        : this(model => ProfiledPlan.CpuFactory(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size))
    {
    }

    protected ProfileFixture(Func<Module, PlanFactory> factory)
    {
        Model = PlanModels.Create("tiny-c3d");
        using var clips = PlanModels.Clips(ClipCount, PlanModels.Frames, seed: 21);
        Clips = clips.Span.ToArray();
        Controller = PlanModels.Controller(Model, clips);
        Compile = factory(Model);
        using var dense = Compile(null, 1f);
        using var gated = Compile(Controller, Scale);
        Profile = PlanProfiler.Profile(dense, gated, Clips, new ProfileSettings { Repeats = Repeats, WarmupRuns = 1, MinWarmupSeconds = 0 });
    }

    public const float Scale = 1.1f;

    /// <summary>Roofs fixed for the tests (no probe): every rate divides by them.</summary>
    public static ProfileRoofs Roofs { get; } = new(100, 10, "test roofs");

    public Module Model { get; }
    public float[] Clips { get; }
    public AapController Controller { get; }
    public PlanFactory Compile { get; }
    public ModelProfile Profile { get; }
}
