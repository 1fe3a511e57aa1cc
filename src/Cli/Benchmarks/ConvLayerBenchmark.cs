using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;

namespace NativeDance.Cli.Benchmarks;

/// <summary>One row of the conv benchmark: a layer at a thread count, with its timing.</summary>
internal sealed record ConvLayerResult(Conv3dLayer Layer, int Threads, TimingStatistics Timing)
{
    public double GflopsAtMedian => Layer.ForwardFlops / (Timing.MedianMs * 1e6);
}

/// <summary>Times our dense conv3d forward on a catalog layer, on seeded inputs, into a preallocated output.</summary>
internal static class ConvLayerBenchmark
{
    public static ConvLayerResult Run(Conv3dLayer layer, int threads, int warmup, int rounds)
    {
        var g = layer.Geometry;
        using var input = Tensor.RandomNormal(g.InputShape, seed: 1);
        using var weight = Tensor.RandomNormal(g.WeightShape, seed: 2, std: 0.05f);
        using var bias = Tensor.RandomNormal(new Shape(g.OutChannels), seed: 3);
        using var output = Tensor.Uninitialized(g.OutputShape);
        int saved = ParallelFor.Threads;
        ParallelFor.Threads = threads;
        try
        {
            var timing = TimingStatistics.Measure(
                () => Conv3d.Forward(g, input.Span, weight.Span, bias.Span, output.Span), warmup, rounds);
            return new ConvLayerResult(layer, threads, timing);
        }
        finally
        {
            ParallelFor.Threads = saved;
        }
    }
}
