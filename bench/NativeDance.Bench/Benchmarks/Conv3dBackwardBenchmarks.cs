using BenchmarkDotNet.Attributes;
using NativeDance.Bench.Layers;
using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.Benchmarks;

/// <summary>
/// Conv3d backward (input, weight and bias gradients) on layers 2, 4 and 6: ours next to libtorch's autograd.
/// libtorch's forward runs once in setup with its graph retained, so only the backward is timed.
/// </summary>
public class Conv3dBackwardBenchmarks
{
    private Conv3dGeometry _g;
    private ConvOperands? _operands;
    private Tensor? _gradInput, _gradWeight, _gradBias;
    private TorchConv3d? _torch;

    /// <summary>Layer key (see <see cref="BenchLayers"/>).</summary>
    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    /// <summary>Threads every implementation may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<string> Layers => BenchLayers.BackwardKeys;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs()
    {
        Prepare();
        ParallelFor.Threads = Threads;
        _gradInput = Tensor.Zeros(_g.InputShape);
        _gradWeight = Tensor.Zeros(_g.WeightShape);
        _gradBias = Tensor.Zeros(new Shape(_g.OutChannels));
    }

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch()
    {
        Prepare();
        LibTorch.EnsureLoaded();
        torch.set_num_threads(Threads);
        _torch = new TorchConv3d(_g, _operands!.Input, _operands.Weight, _operands.Bias, withGradients: true);
        _torch.RetainGraph(_operands.GradOutput);
    }

    [Benchmark(Baseline = true)]
    public void Ours()
    {
        Conv3d.BackwardInput(_g, _operands!.GradOutput.Span, _operands.Weight.Span, _gradInput!.Span);
        Conv3d.BackwardWeight(_g, _operands.Input.Span, _operands.GradOutput.Span, _gradWeight!.Span, _gradBias!.Span);
    }

    [Benchmark]
    public void Torch() => _torch!.RunRetainedBackward();

    [GlobalCleanup]
    public void Cleanup()
    {
        _operands?.Dispose();
        _gradInput?.Dispose();
        _gradWeight?.Dispose();
        _gradBias?.Dispose();
        _torch?.Dispose();
        (_operands, _gradInput, _gradWeight, _gradBias, _torch) = (null, null, null, null, null);
    }

    private void Prepare()
    {
        _g = BenchLayers.Get(Layer).Geometry;
        _operands = new ConvOperands(_g);
    }
}
