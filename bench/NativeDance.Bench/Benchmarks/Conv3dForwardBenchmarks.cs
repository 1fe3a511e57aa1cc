using BenchmarkDotNet.Attributes;
using NativeDance.Bench.Layers;
using NativeDance.Peers.Onnx;
using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.Benchmarks;

/// <summary>
/// Conv3d forward on the layers: ours (channels-last, into a preallocated output), libtorch's conv3d
/// (NCDHW, as PyTorch users run it) and ONNX Runtime's Conv (NCDHW, preallocated output), each pinned to
/// <see cref="Threads"/> threads. Each implementation gets its own setup, so no peer holds threads while another runs.
/// </summary>
public class Conv3dForwardBenchmarks
{
    private Conv3dGeometry _g;
    private ConvOperands? _operands;
    private Tensor? _output;
    private TorchConv3d? _torch;
    private OrtConv3d? _ort;

    /// <summary>Layer key (see <see cref="BenchLayers"/>).</summary>
    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    /// <summary>Threads every implementation may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<string> Layers => BenchLayers.ForwardKeys;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs()
    {
        Prepare();
        ParallelFor.Threads = Threads;
        _output = Tensor.Zeros(_g.OutputShape);
    }

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch()
    {
        Prepare();
        LibTorch.EnsureLoaded();
        torch.set_num_threads(Threads);
        _torch = new TorchConv3d(_g, _operands!.Input, _operands.Weight, _operands.Bias);
    }

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        Prepare();
        _ort = new OrtConv3d(_g, _operands!.Weight, _operands.Bias, Threads);
        _ort.SetInput(_operands.Input);
    }

    [Benchmark(Baseline = true)]
    public void Ours() => Conv3d.Forward(_g, _operands!.Input.Span, _operands.Weight.Span, _operands.Bias.Span, _output!.Span);

    [Benchmark]
    public void Torch()
    {
        using var output = _torch!.Forward();
    }

    [Benchmark]
    public void OnnxRuntime() => _ort!.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _operands?.Dispose();
        _output?.Dispose();
        _torch?.Dispose();
        _ort?.Dispose();
        (_operands, _output, _torch, _ort) = (null, null, null, null);
    }

    private void Prepare()
    {
        _g = BenchLayers.Get(Layer).Geometry;
        _operands = new ConvOperands(_g);
    }
}
