using System.Diagnostics;
using NativeDance.Bench.Layers;
using NativeDance.Peers.Torch;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;
using TorchSharp;

namespace NativeDance.Bench.Gated;

/// <summary>
/// Times the gated conv over the keep-ratio grid on each layer, next to our dense conv and libtorch's dense conv
/// (NCDHW, as PyTorch users run it) on the same machine in the same run, all on every core. A plain stopwatch loop
/// rather than BenchmarkDotNet: 36 grid points x 3 layers x 4 kernels would take BenchmarkDotNet's per-case overhead
/// hours. Per grid point the kernels run in rotation (dense, gated, dense-compacted only, sparse only), each
/// <c>repeats</c> times after one warm-up, and medians are compared, so load on the machine hits them alike. A timed
/// run of a small layer repeats the call until the dense conv would take about <see cref="MinimumSampleMs"/>, so the
/// clock's resolution and one-off stalls do not dominate. Weights stay in the tensor's aligned memory, as an inference
/// plan holds them.
/// </summary>
internal static class GatedConvBenchmark
{
    private const double MinimumSampleMs = 20;

    public static IReadOnlyList<GatedGridCell> Run(GatedBenchOptions options, Action<string> progress)
    {
        LibTorch.EnsureLoaded();
        torch.set_num_threads(ParallelFor.Threads);
        var cells = new List<GatedGridCell>();
        foreach (var (layer, index) in GatedLayers.All.Select((l, i) => (l, i)).Where(p => options.Layers.Contains(p.l.Selector)))
        {
            var g = layer.Geometry;
            using var operands = new ConvOperands(g);
            var features = new float[g.InputLength];
            float[] b = operands.Bias.Span.ToArray(), y = new float[g.OutputLength];
            var random = new Random(index + 2);
            Conv3d.Forward(g, operands.Input.Span, operands.Weight.Span, b, y);
            var warm = Stopwatch.StartNew();
            Conv3d.Forward(g, operands.Input.Span, operands.Weight.Span, b, y);
            int calls = options.Smoke ? 1 : (int)Math.Clamp(MinimumSampleMs / Math.Max(1e-3, warm.Elapsed.TotalMilliseconds), 1, 1000);
            double torchMs = LibtorchDense(g, operands, options.Repeats, calls);
            // Weights prepared once, as an inference plan's layer holds them (the sparse kernel's plane form reads its own layout).
            var prepared = new GatedConv3dWeights(g, operands.Weight.Span, b);
            double crossover = GatedConv3dCrossover.Get(g);
            progress($"{layer.Key}: libtorch dense {torchMs:F3} ms, measured crossover density {crossover:F2}, {calls} calls per sample");
            foreach (var keep in GatedKeepRatios.Grid(layer.FeatureRatios))
            {
                var mask = keep.Mask(g, random);
                var x = operands.Input.Span;
                for (int i = 0; i < features.Length; i++) features[i] = random.NextDouble() < keep.Features ? x[i] : 0f;
                GatedConvPath path = default;
                ConvWorkCounters work = default;
                var w = operands.Weight;
                var times = Rotate(options.Repeats, calls,
                    () => Conv3d.Forward(g, features, w.Span, b, y),
                    () => path = GatedConv3d.Forward(g, features, prepared, y, mask, out work),
                    () => Conv3d.Forward(g, features, w.Span, b, y, mask),
                    () => SparseInputConv3d.Forward(g, features, prepared, y, mask, out _));
                var dense = GatedConvCost.DenseCompacted(g, null);
                var cell = new GatedGridCell(layer.Key, layer.Selector == GatedLayers.TinySelector, keep, path, work.Macs / (double)g.DenseMacs, work.TotalBytes / (double)dense.TotalBytes,
                    times[0], times[1], times[2], times[3], torchMs, crossover);
                cells.Add(cell);
                progress($"  frames {keep.Frames:P0} channels {keep.Channels:P0} features {keep.Features:P0}: {path}, MACs {cell.MacFraction:P1}, "
                    + $"dense {times[0]:F3} ms, gated {times[1]:F3} ms ({cell.SpeedupVsDense:F2}x), compacted {times[2]:F3} ms, sparse {times[3]:F3} ms");
            }
        }
        return cells;
    }

    private static double LibtorchDense(in Conv3dGeometry g, ConvOperands operands, int repeats, int calls)
    {
        using var conv = new TorchConv3d(g, operands.Input, operands.Weight, operands.Bias);
        return Rotate(repeats, calls, () =>
        {
            using var result = conv.Forward();
        })[0];
    }

    /// <summary>One warm-up of each kernel, then <paramref name="repeats"/> rounds timing <paramref name="calls"/> calls of each; per-kernel medians in ms per call.</summary>
    private static double[] Rotate(int repeats, int calls, params Action[] kernels)
    {
        foreach (var kernel in kernels) kernel();
        var samples = new double[kernels.Length][];
        for (int k = 0; k < kernels.Length; k++) samples[k] = new double[repeats];
        for (int r = 0; r < repeats; r++)
        for (int k = 0; k < kernels.Length; k++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls; c++) kernels[k]();
            samples[k][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }
        return samples.Select(s => s.Order().ElementAt(s.Length / 2)).ToArray();
    }
}
