using NativeDance.Cuda.Inference;
using NativeDance.Pruning.Profiling;
using NativeDance.Tests.Cuda.Inference;
using NativeDance.Tests.Inference;
using NativeDance.Tests.Profiling;

namespace NativeDance.Tests.Cuda.Profiling;

/// <summary>The profiling fixture's tiny-c3d profile, dense and gated, of GPU plans run by the PTX interpreter (timed by its wall clock).</summary>
public sealed class InterpretedProfileFixture() : ProfileFixture(model => (controller, scale) => new ProfiledPlan(
    CudaInferencePlan.Compile(new InterpretedKernelDevice(4), model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, controller, scale), "gpu"));

/// <summary>The GPU plans' trace and folded stacks pass every check the CPU plans' pass.</summary>
public sealed class InterpretedChromeTraceTests(InterpretedProfileFixture fixture) : ChromeTraceChecks(fixture.Profile), IClassFixture<InterpretedProfileFixture>;
