using NativeDance.Runtime;
using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Runtime;

/// <summary>Runs alone (the thread count and SIMD width must not change under it): a new worker thread would allocate.</summary>
[Collection(nameof(KernelSettings))]
public sealed class ClassifierAllocationTests(EmbeddingFixture files) : IClassFixture<EmbeddingFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClassifyingIntoASpanAllocatesNothingInSteadyState(bool gated)
    {
        using var classifier = VideoClassifier.Load(files.ModelPath, gated ? files.ControllerPath : null, new ClassifierOptions { Device = ComputeDevice.Cpu });
        var logits = new float[classifier.Classes];
        float[][] clips = [.. files.Clips];
        KernelSettings.Run(SimdDispatch.Best, 2, () =>
        {
            foreach (var clip in clips) classifier.Classify(clip, logits);
            double executed = 0;
            SteadyState.AssertAllocatesNothing(() =>
            {
                executed = 0;
                for (int repeat = 0; repeat < 3; repeat++)
                    foreach (var clip in clips) executed += classifier.Classify(clip, logits).ExecutedMacRatio;
            });
            Assert.InRange(executed, 0.01, 3.0 * clips.Length);
        });
    }
}
