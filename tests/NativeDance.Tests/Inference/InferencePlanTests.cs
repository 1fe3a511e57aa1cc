using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Pruning.Inference;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Gemm;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Inference;

public class InferencePlanTests
{
    [Theory]
    [InlineData("tiny-c3d")]
    [InlineData("c3d")]
    [InlineData("r3d-18")]
    [InlineData("mc3-18")]
    [InlineData("r2plus1d-18")]
    public void TheDensePlanComputesTheEagerModelsLogits(string architecture)
    {
        var model = PlanModels.Create(architecture);
        int frames = PlanModels.FramesOf(architecture);
        using var clips = PlanModels.Clips(3, frames, seed: 11);
        using var plan = InferencePlan.Compile(model, frames, PlanModels.Size, PlanModels.Size);
        Assert.False(plan.IsGated);
        Variable eager;
        using (GradMode.NoGrad()) eager = model.Forward(Variable.Constant(clips));
        var logits = new float[plan.Classes];
        for (int n = 0; n < 3; n++)
        {
            plan.Run(clips.Span.Slice(n * plan.ClipLength, plan.ClipLength), logits);
            Numerics.AssertClose(logits, eager.Value.Span.Slice(n * plan.Classes, plan.Classes), 1e-10, $"{architecture} clip {n}");
            for (int l = 0; l < plan.Layers.Count; l++)
                Assert.Equal(GatedConvCost.DenseCompacted(plan.Layers[l].Geometry, null), plan.Counters.LayerWork[l]);
        }
        Assert.Equal(1.0, plan.Counters.ExecutedMacRatio, 12);
        Assert.Equal(1.0, plan.Counters.MaskedBytesRatio, 12);
    }

    [Fact]
    public void MaskedBytesOfAFullyKeptInputAreTheDenseBytesAndShrinkWithEachMask()
    {
        var g = Conv3dGeometry.Create(1, 5, new Dims3(4, 6, 7), 8, Dims3.Cube(3), padding: Dims3.Cube(1));
        var layer = new PlanLayer("conv", g, 0);
        long pixels = 6 * 7, weights = 27L * 5 * 8, outputs = g.OutputLength;
        Assert.Equal((4 * pixels * 5 + weights + outputs) * sizeof(float), layer.DenseBytes);
        GateCounts Kept(int frames, int channels, long features) => new(4, frames, 5, channels, (int)pixels, features, 0, 1, GatedConvPath.SparseInput);
        Assert.Equal(layer.DenseBytes, layer.MaskedBytes(Kept(4, 5, 4 * pixels * 5)));
        Assert.Equal((4 * pixels * 2 + 27L * 2 * 8 + outputs) * sizeof(float), layer.MaskedBytes(Kept(4, 2, 4 * pixels * 2)));
        Assert.Equal((100 + 27L * 2 * 8 + outputs) * sizeof(float), layer.MaskedBytes(Kept(1, 2, 100)));
        Assert.Equal(outputs * sizeof(float), layer.MaskedBytes(Kept(0, 0, 0)));
    }

    [Theory]
    [InlineData("tiny-c3d")]
    [InlineData("r3d-18")]
    [InlineData("r2plus1d-18")]
    public void TheGatedPlanComputesTheEagerGatedForwardAndKeepsTheSame(string architecture)
    {
        var model = PlanModels.Create(architecture);
        using var clips = PlanModels.Clips(3, PlanModels.Frames, seed: 12);
        var controller = PlanModels.Controller(model, clips);
        const float scale = 1.1f;
        using var plan = InferencePlan.Compile(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, controller, scale);
        var forward = new GatedForward(model, controller) { Scale = scale };
        Variable eager, ratio;
        using (GradMode.NoGrad()) eager = forward.Run(Variable.Constant(clips), 0.1f, out ratio);

        var logits = new float[plan.Classes];
        var featureKeeps = new List<double>();
        for (int n = 0; n < 3; n++)
        {
            plan.Run(clips.Span.Slice(n * plan.ClipLength, plan.ClipLength), logits);
            Numerics.AssertClose(logits, eager.Value.Span.Slice(n * plan.Classes, plan.Classes), 1e-10, $"{architecture} clip {n}");
            Assert.Equal(ratio.Value[n], plan.Counters.MaskedMacRatio, 5);
            foreach (var record in forward.Records)
            {
                var counts = plan.Counters.Gates[record.Gate];
                string where = $"{architecture} clip {n} gate {record.Gate}";
                Assert.True(record.FrameKeep[n] == (float)counts.FrameKeep, $"{where}: frames {counts.KeptFrames}/{counts.Frames} vs {record.FrameKeep[n]}");
                Assert.True(record.ChannelKeep[n] == (float)counts.ChannelKeep, $"{where}: channels {counts.KeptChannels}/{counts.Channels} vs {record.ChannelKeep[n]}");
                Assert.True(record.FeatureKeep[n] == (float)counts.FeatureKeep, $"{where}: features {counts.FeatureKeep} vs {record.FeatureKeep[n]}");
                Assert.Equal(record.MacFraction[n], counts.MacFraction, 5);
                featureKeeps.Add(counts.FeatureKeep);
            }
        }
        // The controller made real decisions: features were pruned, differently across gates and clips.
        Assert.Contains(featureKeeps, f => f < 0.9);
        Assert.True(featureKeeps.Distinct().Count() > 3);
        Assert.True(plan.Counters.ControllerMacs > 0);
        double maskedBytes = plan.Layers.Sum(l => (double)(l.Gate < 0 ? l.DenseBytes : l.MaskedBytes(plan.Counters.Gates[l.Gate])));
        Assert.Equal(maskedBytes / plan.Layers.Sum(l => (double)l.DenseBytes), plan.Counters.MaskedBytesRatio, 12);
        Assert.InRange(plan.Counters.MaskedBytesRatio, 0.01, 0.999);
    }

    /// <summary>
    /// Every gated conv forced onto each kernel: the same logits, the sparse kernel's MACs the masked ones. Tiny C3D's
    /// gated convs 2 and 3 carry their 2 x 2 x 2 max pools, which the sparse kernel fuses: it writes an eighth of the output.
    /// </summary>
    [Theory]
    [InlineData("r3d-18")]
    [InlineData("tiny-c3d")]
    public void BothGatedKernelsCountTheirWorkAndAgree(string architecture)
    {
        var model = PlanModels.Create(architecture, seed: 3);
        using var clips = PlanModels.Clips(1, PlanModels.Frames, seed: 13);
        var controller = PlanModels.Controller(model, clips, multiplier: 1f);
        using var plan = InferencePlan.Compile(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, controller);
        var gatedLayers = plan.Layers.Select((layer, index) => (layer, index)).Where(l => l.layer.Gate >= 0).ToList();
        var results = new Dictionary<GatedConvPath, float[]>();
        try
        {
            foreach (var (path, crossover) in new[] { (GatedConvPath.SparseInput, 2.0), (GatedConvPath.DenseCompacted, 0.0) })
            {
                foreach (var (layer, _) in gatedLayers) GatedConv3dCrossover.Set(layer.Geometry, crossover);
                var logits = results[path] = new float[plan.Classes];
                plan.Run(clips.Span, logits);
                foreach (var (layer, index) in gatedLayers)
                {
                    var gate = plan.Counters.Gates[layer.Gate];
                    var work = plan.Counters.LayerWork[index];
                    Assert.Equal(path, gate.Path);
                    if (path == GatedConvPath.SparseInput) Assert.Equal(gate.MaskedMacs, work.Macs);
                    else Assert.True(work.Macs >= gate.MaskedMacs, $"{layer.Name}: dense-compacted {work.Macs} < masked {gate.MaskedMacs}");
                    // The sparse kernel pools in its copy-out where its plane form runs; elsewhere the step pools after the conv.
                    bool pooled = path == GatedConvPath.SparseInput && plan.StepNames.Contains($"{layer.Name} gated+pool")
                        && SparseInputPlanes.Applies(layer.Geometry, SimdDispatch.Width);
                    long written = (pooled ? layer.Geometry.OutputLength / 8 : layer.Geometry.OutputLength) * 4L;
                    Assert.True(work.ActivationBytesRead > 0 && work.WeightBytesRead > 0 && work.OutputBytesWritten == written,
                        $"{layer.Name}: {work} (pooled: {pooled})");
                }
                Assert.InRange(plan.Counters.ExecutedMacRatio, 0.01, 1.0);
            }
        }
        finally
        {
            foreach (var (layer, _) in gatedLayers) GatedConv3dCrossover.Set(layer.Geometry, GatedConv3dCrossover.Measure(layer.Geometry));
        }
        Numerics.AssertClose(results[GatedConvPath.SparseInput], results[GatedConvPath.DenseCompacted], 1e-10, "sparse vs dense-compacted");
        Assert.Equal(architecture == "tiny-c3d" ? 2 : 0, plan.StepNames.Count(s => s.EndsWith("gated+pool", StringComparison.Ordinal)));
    }

    [Fact]
    public void DisposingTwiceIsHarmlessAndADisposedPlanRefusesToRun()
    {
        var plan = InferencePlan.Compile(PlanModels.Create("tiny-c3d"), PlanModels.Frames, PlanModels.Size, PlanModels.Size);
        plan.Dispose();
        plan.Dispose();
        Assert.Throws<ObjectDisposedException>(() => plan.Run(new float[plan.ClipLength], new float[plan.Classes]));
    }

    [Fact]
    public void BadInputsAreRefusedWithTheirValues()
    {
        var model = PlanModels.Create("tiny-c3d");
        using var plan = InferencePlan.Compile(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size);
        var e = Assert.Throws<ArgumentException>(() => plan.Run(new float[plan.ClipLength - 3], new float[plan.Classes]));
        Assert.Contains($"{plan.ClipLength - 3}", e.Message);
        Assert.Contains($"{plan.ClipLength}", e.Message);
        e = Assert.Throws<ArgumentException>(() => plan.Run(new float[plan.ClipLength], new float[2]));
        Assert.Contains("2 values", e.Message);

        var other = ModelZoo.Create(new ModelSpec("r3d-18", 5, 0.125f, PlanModels.Frames, PlanModels.Size));
        var foreign = new AapController(ControllerFeatures.Count(8, PlanModels.Frames), ((IGatedNetwork)other).Gates.Count);
        e = Assert.Throws<ArgumentException>(() => InferencePlan.Compile(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, foreign));
        Assert.Contains("another model", e.Message);
        Assert.Contains($"{foreign.Gates}", e.Message);

        using var clips = PlanModels.Clips(2, PlanModels.Frames, seed: 15);
        var controller = PlanModels.Controller(model, clips);
        e = Assert.Throws<ArgumentException>(() => InferencePlan.Compile(model, PlanModels.Frames * 2, PlanModels.Size, PlanModels.Size, controller));
        Assert.Contains($"{controller.Features}", e.Message);
        e = Assert.Throws<ArgumentException>(() => InferencePlan.Compile(model, PlanModels.Frames, PlanModels.Size, PlanModels.Size, controller, scale: 0f));
        Assert.Contains("scale", e.Message);
        e = Assert.Throws<ArgumentException>(() => InferencePlan.Compile(controller, PlanModels.Frames, PlanModels.Size, PlanModels.Size));
        Assert.Contains(nameof(AapController), e.Message);
        e = Assert.Throws<ArgumentException>(() => InferencePlan.Compile(model, 0, PlanModels.Size, PlanModels.Size));
        Assert.Contains("0 frames", e.Message);
    }
}
