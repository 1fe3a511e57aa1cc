using NativeDance.Cuda.Inference;
using NativeDance.Pruning.Inference;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Cuda.Inference;

/// <summary>Runs one clip through the CPU plan and the GPU plan and compares what each gate kept, the work and the logits.</summary>
internal static class PlanComparison
{
    /// <summary>
    /// Asserts equal kept frames and channels per gate, kept features equal within <paramref name="featureSlack"/> of the
    /// count (values within an ulp of a threshold computed in another summation order may flip), the GPU's executed MACs
    /// between the sparse-input and the dense-compacted counts, then logits within <paramref name="nmse"/>.
    /// </summary>
    public static void AssertSame(InferencePlan cpu, CudaInferencePlan gpu, ReadOnlySpan<float> clip, double nmse, double featureSlack, string context)
    {
        var expected = new float[cpu.Classes];
        var actual = new float[gpu.Classes];
        cpu.Run(clip, expected);
        gpu.Run(clip, actual);
        Assert.Equal(cpu.Layers.Count, gpu.Layers.Count);
        for (int l = 0; l < cpu.Layers.Count; l++)
        {
            var layer = cpu.Layers[l];
            string where = $"{context} {layer.Name}";
            Assert.Equal(layer, gpu.Layers[l]);
            if (layer.Gate < 0)
            {
                Assert.Equal(cpu.Counters.LayerWork[l], gpu.Counters.LayerWork[l]);
                continue;
            }
            var want = cpu.Counters.Gates[layer.Gate];
            var got = gpu.Counters.Gates[layer.Gate];
            Assert.True(want.KeptFrames == got.KeptFrames && want.KeptChannels == got.KeptChannels,
                $"{where}: GPU kept {got.KeptFrames}/{got.Frames} frames and {got.KeptChannels}/{got.Channels} channels, CPU {want.KeptFrames} and {want.KeptChannels}.");
            double drift = Math.Abs(want.KeptFeatures - got.KeptFeatures) / (double)Math.Max(1, want.KeptFeatures);
            TestContext.Current.TestOutputHelper?.WriteLine($"{where}: kept features GPU {got.KeptFeatures}, CPU {want.KeptFeatures} ({drift:E1} of the count)");
            Assert.True(drift <= featureSlack, $"{where}: GPU kept {got.KeptFeatures} features, CPU {want.KeptFeatures} ({drift:E1} of the count > {featureSlack:E1}).");
            if (featureSlack == 0) Assert.Equal(want.MaskedMacs, got.MaskedMacs);
            long executed = gpu.Counters.LayerWork[l].Macs;
            Assert.True(executed >= got.MaskedMacs && executed <= layer.DenseExecutedMacs,
                $"{where}: the masked conv counted {executed} MACs, outside [{got.MaskedMacs}, {layer.DenseExecutedMacs}].");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{context}: logits NMSE {Numerics.NormalizedSquaredError(actual, Array.ConvertAll(expected, v => (double)v)):E2}");
        Numerics.AssertClose(actual, expected, nmse, $"{context} logits");
        Assert.Equal(cpu.Counters.MaskedMacRatio, gpu.Counters.MaskedMacRatio, featureSlack == 0 ? 12 : 4);
    }
}
