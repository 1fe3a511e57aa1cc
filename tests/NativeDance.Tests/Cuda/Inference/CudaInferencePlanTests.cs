using NativeDance.Cuda;
using NativeDance.Cuda.Inference;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors;
using NativeDance.Tests.Inference;

namespace NativeDance.Tests.Cuda.Inference;

/// <summary>
/// The whole GPU plan run by the PTX interpreter on tiny clips and narrow models, against the CPU plan: every kernel of
/// the plan, its memory layout (each buffer its own guarded region) and its read-back, without a GPU.
/// </summary>
public class CudaInferencePlanTests
{
    [Theory]
    [InlineData("tiny-c3d", 4, 8, 2, false)]
    [InlineData("tiny-c3d", 4, 8, 200, true)]      // many SMs: small tiles and split-K
    [InlineData("r3d-18", 4, 8, 2, false)]
    [InlineData("r2plus1d-18", 4, 8, 200, true)]
    [InlineData("r3d-18", 4, 8, 2, true)]
    [InlineData("mc3-18", 4, 8, 8, false)]
    [InlineData("mc3-18", 4, 8, 200, true)]
    [InlineData("c3d", 16, 16, 8, true)]
    public void DenseAndGatedPlansMatchTheCpuPlan(string architecture, int frames, int size, int multiprocessors, bool gated)
    {
        var model = PlanModels.Create(architecture, architecture == "tiny-c3d" ? 0.5f : 0.0625f, frames, size, seed: 5);
        using var clips = Tensor.RandomNormal(new Shape(2, frames, size, size, 3), seed: 21);
        var controller = gated ? PlanModels.Controller(model, clips) : null;
        using var cpu = InferencePlan.Compile(model, frames, size, size, controller, 1.05f);
        var device = new InterpretedKernelDevice(multiprocessors);
        using var gpu = CudaInferencePlan.Compile(device, model, frames, size, size, controller, 1.05f);
        Assert.Equal(cpu.ArenaBytes, gpu.ArenaBytes);
        Assert.Equal(cpu.StepNames, gpu.StepNames);
        for (int n = 0; n < 2; n++)
            PlanComparison.AssertSame(cpu, gpu, clips.Span.Slice(n * cpu.ClipLength, cpu.ClipLength), 1e-9, 0, $"{architecture} clip {n}");
        if (gated)
        {
            // The masks made real decisions somewhere.
            Assert.Contains(Enumerable.Range(0, controller!.Gates), g => gpu.Counters.Gates[g].FeatureKeep < 0.9);
            Assert.InRange(gpu.Counters.ExecutedMacRatio, 0.01, 0.999);
        }
        else Assert.Equal(1.0, gpu.Counters.ExecutedMacRatio, 12);
    }

    [Theory]
    [InlineData("tiny-c3d", 0.01f)]    // every frame and nearly every channel kept
    [InlineData("tiny-c3d", 50f)]      // the strongest frame alone and no channel: the masked convs write act(bias)
    [InlineData("r3d-18", 50f)]
    public void ExtremeScalesKeepEverythingOrAlmostNothingAsTheCpuPlanDoes(string architecture, float scale)
    {
        var model = PlanModels.Create(architecture, architecture == "tiny-c3d" ? 0.5f : 0.0625f, 4, 8, seed: 6);
        using var clips = Tensor.RandomNormal(new Shape(1, 4, 8, 8, 3), seed: 22);
        var controller = PlanModels.Controller(model, clips);
        using var cpu = InferencePlan.Compile(model, 4, 8, 8, controller, scale);
        using var gpu = CudaInferencePlan.Compile(new InterpretedKernelDevice(4), model, 4, 8, 8, controller, scale);
        PlanComparison.AssertSame(cpu, gpu, clips.Span, 1e-9, 0, $"{architecture} scale {scale}");
        var gates = gpu.Counters.Gates.ToArray();
        // Tiny thresholds keep every frame and every channel but those that ReLU silenced.
        if (scale < 1) Assert.All(gates, g => Assert.True(g.KeptFrames == g.Frames && g.ChannelKeep > 0.8, $"{g}"));
        else Assert.Contains(gates, g => g.KeptFrames == 1 && g.KeptChannels == 0);
    }

    [Fact]
    public void ARunCopiesTheClipInAndOneRegionOut()
    {
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 5, 0.5f, 4, 8, Seed: 2));
        var device = new CountingDevice(new InterpretedKernelDevice(4));
        using var gpu = CudaInferencePlan.Compile(device, model, 4, 8, 8);
        (device.Writes, device.Reads, device.Clears) = (0, 0, 0);
        gpu.Run(new float[gpu.ClipLength], new float[gpu.Classes]);
        Assert.Equal((1, 1, 1), (device.Writes, device.Reads, device.Clears));
    }

    [Fact]
    public void AReluRightAfterAConvRunsInItsEpilogue()
    {
        var model = PlanModels.Create("r3d-18", 0.0625f, 4, 8, seed: 5);
        var device = new CountingDevice(new InterpretedKernelDevice(2));
        using var gpu = CudaInferencePlan.Compile(device, model, 4, 8, 8);
        device.Entries.Clear();
        gpu.Run(new float[gpu.ClipLength], new float[gpu.Classes]);
        // The CPU plan applies ReLUs before R3D's second convs as passes; on the GPU the first convs' epilogues take them.
        Assert.Contains(gpu.StepNames, name => name.EndsWith(" relu", StringComparison.Ordinal));
        Assert.DoesNotContain("relu", device.Entries);
        Assert.Contains("add_relu", device.Entries);
    }

    [Fact]
    public void BadInputsAreRefusedWithTheirValues()
    {
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 5, 0.5f, 4, 8, Seed: 2));
        using var gpu = CudaInferencePlan.Compile(new InterpretedKernelDevice(4), model, 4, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => gpu.Run(new float[gpu.ClipLength - 3], new float[gpu.Classes]));
        Assert.Contains($"{gpu.ClipLength - 3}", e.Message);
        e = Assert.Throws<ArgumentException>(() => gpu.Run(new float[gpu.ClipLength], new float[2]));
        Assert.Contains("2 values", e.Message);
        e = Assert.Throws<ArgumentException>(() => CudaInferencePlan.Compile(new InterpretedKernelDevice(4), model, 0, 8, 8));
        Assert.Contains("0 frames", e.Message);
        gpu.Dispose();
        gpu.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gpu.Run(new float[gpu.ClipLength], new float[gpu.Classes]));
    }

    [Fact]
    public void WithoutADriverCompilingSaysWhyInOneLine()
    {
        Assert.SkipWhen(CudaDriver.IsAvailable, "a CUDA driver is present: the GPU tests run the real plan");
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 5, 0.5f, 4, 8, Seed: 2));
        var e = Assert.Throws<CudaUnavailableException>(() => CudaInferencePlan.Compile(model, 4, 8, 8));
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>Counts the copies a run makes.</summary>
    private sealed class CountingDevice(IKernelDevice inner) : IKernelDevice
    {
        public int Writes, Reads, Clears;

        public List<string> Entries { get; } = [];

        public int MultiprocessorCount => inner.MultiprocessorCount;

        public ulong Allocate(long bytes) => inner.Allocate(bytes);

        public void Write(ulong address, ReadOnlySpan<byte> source)
        {
            Writes++;
            inner.Write(address, source);
        }

        public void Clear(ulong address, long bytes)
        {
            Clears++;
            inner.Clear(address, bytes);
        }

        public void Launch<TArgs>(in NativeDance.Cuda.Kernels.KernelLaunch<TArgs> launch) where TArgs : unmanaged
        {
            Entries.Add(launch.Entry);
            inner.Launch(launch);
        }

        public void Read(ulong address, Span<byte> destination)
        {
            Reads++;
            inner.Read(address, destination);
        }

        public void RecordEvent(int index) => inner.RecordEvent(index);

        public double ElapsedSeconds(int from, int to) => inner.ElapsedSeconds(from, to);

        public void Dispose() => inner.Dispose();
    }
}
