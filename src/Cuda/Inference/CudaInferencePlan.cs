using System.Runtime.InteropServices;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Pruning.Inference.Steps;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Cuda.Inference;

/// <summary>
/// <see cref="InferencePlan"/> on an NVIDIA GPU: the same lowered model (batch norm folded, ReLUs fused where the CPU plan
/// fuses them, one activation arena laid out at compile time, now in device memory), run by the handwritten PTX kernels
/// on one stream. A clip is one copy to the device, the launches, and one copy back of a small region holding the logits,
/// every gate's decision and every masked conv's executed-MAC counter; a gate's masks are computed and used on the
/// device. <see cref="Run"/> allocates nothing on the managed heap. A plan is not thread-safe: use one per thread.
/// </summary>
/// <example><code>using var dense = CudaInferencePlan.Compile(model, frames: 16, height: 112, width: 112);
/// using var gated = CudaInferencePlan.Compile(model, 16, 112, 112, controller, scale: 1.15f);
/// gated.Run(clip, logits);
/// Console.WriteLine($"{gated.Counters.ExecutedMacRatio:P0} of the dense conv MACs");</code></example>
public sealed class CudaInferencePlan : IInferencePlan
{
    private readonly IKernelDevice _device;
    private readonly PreparedLaunch[] _launches;
    private readonly GatedLayer[] _gated;
    private readonly PlanReadback _readback;
    private readonly ulong _readbackAddress, _clip;
    private readonly byte[] _results;
    private readonly ConvWorkCounters[] _layerWork;
    private readonly GateCounts[] _gates;
    private readonly double[] _gateMaskSeconds;
    private readonly PlanTimeline _timeline;
    private bool _disposed;

    private CudaInferencePlan(IKernelDevice device, PlanBuilder builder, PlanValue logits, AapController? controller, float scale)
    {
        _device = device;
        ClipShape = builder.Clip!.Shape;
        Classes = logits.Length;
        IsGated = controller is not null;
        Layers = [.. builder.Layers];
        StepNames = [.. builder.Steps.Select(s => s.Name)];
        StepLayers = [.. builder.Steps.Select(s => s.ConvLayer)];
        ControllerStepIndex = builder.Steps.FindIndex(s => s is ControllerStep);
        long arena = builder.LayOut();
        ArenaBytes = arena * sizeof(float);
        var lowering = new GpuPlanLowering(device, builder, logits, arena, controller, scale);
        _launches = [.. lowering.Launches];
        _gated = [.. lowering.Gated];
        _readback = lowering.Readback;
        _timeline = lowering.Timeline;
        _readbackAddress = lowering.ReadbackAddress;
        _clip = lowering.Clip;
        _results = new byte[_readback.Bytes];
        _layerWork = [.. lowering.DenseWork];
        _gates = new GateCounts[controller?.Gates ?? 0];
        _gateMaskSeconds = new double[_gates.Length];
        Counters = new PlanCounters(_layerWork, _gates, _gateMaskSeconds, [.. Layers], builder.Steps.Count,
            Layers.Sum(l => l.DenseExecutedMacs), builder.Controller?.Macs ?? 0);
        // One run now: the modules are compiled and the staging buffer sized, so the first clip costs what later ones do.
        Run(new float[ClipLength], new float[Classes]);
    }

    /// <inheritdoc/>
    public Shape ClipShape { get; }

    /// <inheritdoc/>
    public int ClipLength => ClipShape.ElementCount;

    /// <inheritdoc/>
    public int Classes { get; }

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

    /// <summary>
    /// Whether runs time their steps: a CUDA event before every step, one after the last and one between each gate's
    /// masks and its conv, read after the run's one synchronisation, into <see cref="PlanCounters.StepSeconds"/> and
    /// <see cref="PlanCounters.GateMaskSeconds"/>. Off by default: untimed runs record no events. A ReLU the GPU runs in
    /// its conv's epilogue is timed with the conv (its own step shows about zero).
    /// </summary>
    public bool CollectTimings { get; set; }

    /// <inheritdoc/>
    public long ArenaBytes { get; }

    /// <summary>
    /// What the last run did, overwritten by every run: per layer the work (a gated conv's MACs as its masked kernel
    /// counted them, tiles of zeros skipped; dense convs analytically), what every gate kept and, with
    /// <see cref="CollectTimings"/>, the GPU seconds of every step and every gate's masks.
    /// </summary>
    public PlanCounters Counters { get; }

    /// <summary>
    /// Compiles <paramref name="model"/> as <see cref="InferencePlan.Compile"/> does, for the GPU <paramref name="device"/>
    /// (default: device 0, opened for this plan and closed with it). The plan copies the weights to the device.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="InferencePlan.Compile"/>, or a layer exceeds what the GPU kernels
    /// support (the message names it).</exception>
    /// <exception cref="CudaUnavailableException">No device was given and there is no usable GPU.</exception>
    /// <exception cref="CudaException">The driver failed (out of device memory, a JIT error); the message says which call.</exception>
    public static CudaInferencePlan Compile(Module model, int frames, int height, int width, AapController? controller = null, float scale = 1f,
        CudaDevice? device = null)
    {
        var builder = PlanBuilder.Lower(model, frames, height, width, controller, scale, out var logits);
        var gpu = device ?? CudaDevice.Open();
        var stream = new StreamKernelDevice(gpu, ownsDevice: device is null);
        try
        {
            return new CudaInferencePlan(stream, builder, logits, controller, scale);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Compiles onto any <see cref="IKernelDevice"/> (the PTX interpreter in tests); the plan disposes it.</summary>
    internal static CudaInferencePlan Compile(IKernelDevice device, Module model, int frames, int height, int width, AapController? controller = null, float scale = 1f)
    {
        var builder = PlanBuilder.Lower(model, frames, height, width, controller, scale, out var logits);
        return new CudaInferencePlan(device, builder, logits, controller, scale);
    }

    /// <summary>The device the plan runs on (its stream, for timing with events).</summary>
    internal IKernelDevice KernelDevice => _device;

    /// <summary>Runs one clip ([T, H, W, 3] channels-last) and writes its logits. Allocates nothing on the managed heap.</summary>
    /// <exception cref="ArgumentException">A length is wrong; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The plan was disposed.</exception>
    /// <exception cref="CudaException">A kernel or copy failed.</exception>
    public void Run(ReadOnlySpan<float> clip, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (clip.Length != ClipLength)
            throw new ArgumentException($"The clip has {clip.Length} values; this plan runs clips {ClipShape} of {ClipLength}.", nameof(clip));
        if (logits.Length != Classes)
            throw new ArgumentException($"The logits span has {logits.Length} values; the model has {Classes} classes.", nameof(logits));
        _device.Write(_clip, MemoryMarshal.AsBytes(clip));
        _device.Clear(_readbackAddress, _results.Length);
        if (CollectTimings) _timeline.Issue(_device, _launches);
        else foreach (var launch in _launches) launch.Issue(_device);
        _device.Read(_readbackAddress, _results);
        if (CollectTimings) _timeline.Read(_device, Counters.StepSecondsBuffer, _gateMaskSeconds);
        _readback.Logits(_results).CopyTo(logits);
        foreach (var layer in _gated)
        {
            var gate = _gates[layer.Gate] = layer.Counts(PlanReadback.Decision(_results, _readback.DecisionOffset(layer.Gate)));
            _layerWork[layer.Layer] = layer.Work(gate, PlanReadback.Counter(_results, _readback.CounterOffset(layer.Layer)));
        }
    }

    /// <summary>Frees the plan's device memory and stream (and the device, when the plan opened it). Disposing again does nothing.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _device.Dispose();
    }
}
