using BenchmarkDotNet.Attributes;
using NativeDance.Peers.Torch;
using NativeDance.Tensors;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.Benchmarks;

/// <summary>Square fp32 GEMM, C = A * B with n = 1024: ours next to libtorch's matmul.</summary>
public class GemmBenchmarks
{
    /// <summary>m = n = k.</summary>
    public const int Size = 1024;

    private Tensor? _a, _b, _c;
    private torch.Tensor? _torchA, _torchB;

    /// <summary>Threads every implementation may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs()
    {
        Prepare();
        ParallelFor.Threads = Threads;
        _c = Tensor.Zeros(new Shape(Size, Size));
    }

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch()
    {
        Prepare();
        LibTorch.EnsureLoaded();
        torch.set_num_threads(Threads);
        _torchA = TorchConversions.ToTorch(_a!);
        _torchB = TorchConversions.ToTorch(_b!);
    }

    [Benchmark(Baseline = true)]
    public void Ours() => Gemm.Multiply(false, false, Size, Size, Size, 1f, _a!.Span, Size, _b!.Span, Size, 0f, _c!.Span, Size);

    [Benchmark]
    public void Torch()
    {
        using var c = torch.matmul(_torchA!, _torchB!);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a?.Dispose();
        _b?.Dispose();
        _c?.Dispose();
        _torchA?.Dispose();
        _torchB?.Dispose();
        (_a, _b, _c, _torchA, _torchB) = (null, null, null, null, null);
    }

    private void Prepare()
    {
        _a = Tensor.RandomNormal(new Shape(Size, Size), seed: 1);
        _b = Tensor.RandomNormal(new Shape(Size, Size), seed: 2);
    }
}
