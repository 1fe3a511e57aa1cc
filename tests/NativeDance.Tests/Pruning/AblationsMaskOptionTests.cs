using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Pruning;

/// <summary>The options behind the "granularity removed" and "raw-clip controller" ablations do what they claim.</summary>
public class AblationsMaskOptionTests
{
    private static readonly Shape Input = new(2, 6, 5, 4, 7); // N, T, H, W, C

    [Theory]
    [InlineData(MaskGranularity.Frames)]
    [InlineData(MaskGranularity.Channels)]
    [InlineData(MaskGranularity.Features)]
    public void ARemovedGranularityKeepsEverythingAndItsMultiplierGetsNoGradient(MaskGranularity removed)
    {
        var conv = new NativeDance.Models.Layers.Conv3d(7, 3, Dims3.Cube(3), Dims3.Cube(1), Dims3.Cube(1), bias: false);
        var geometry = GateGeometry.For(new ActivationGate(conv), new Shape(1, 6, 5, 4, 7));
        using var raw = Tensor.RandomNormal(Input, seed: 11);
        using var x = raw.Relu();
        // Multipliers high enough that every granularity prunes when enabled.
        var k = Variable.Parameter(Tensor.Full(new Shape(2, 3), 1.2f));
        var (_, _, fullState) = GateMasking.Apply(Variable.Constant(x), k, geometry, 0.5f);
        Assert.Contains(fullState.Masks, m => removed switch
        {
            MaskGranularity.Frames => m.Frames.Contains(false),
            MaskGranularity.Channels => m.Channels.Contains(false),
            _ => m.FeatureThreshold > 0,
        });

        var (masked, fraction, state) = GateMasking.Apply(Variable.Constant(x), k, geometry, 0.5f, MaskGranularity.All & ~removed);
        (Functional.Sum(masked) + Functional.Sum(fraction)).Backward();
        for (int n = 0; n < 2; n++)
        {
            var m = state.Masks[n];
            if (removed == MaskGranularity.Frames) Assert.All(m.Frames, Assert.True);
            if (removed == MaskGranularity.Channels) Assert.All(m.Channels, Assert.True);
            for (int t = 0; t < 6; t++) for (int h = 0; h < 5; h++) for (int w = 0; w < 4; w++) for (int c = 0; c < 7; c++)
            {
                float v = x[n, t, h, w, c], kept = masked.Value[n, t, h, w, c];
                Assert.True(kept == 0f || kept == v);
                if (removed == MaskGranularity.Features && m.Frames[t] && m.Channels[c]) Assert.Equal(v, kept);
            }
            Assert.Equal(0f, k.Grad![n, Column(removed)]);
            Assert.Contains(Enumerable.Range(0, 3).Where(j => j != Column(removed)), j => k.Grad[n, j] != 0f);
        }
    }

    [Fact]
    public void TheNoFramesNetworkKeepsEveryFrameAtEveryGate()
    {
        var (model, clips) = TinyModel();
        var controller = new AapController(ControllerFeatures.Count(StemChannels(model, clips), 8), ((IGatedNetwork)model).Gates.Count, initialMultiplier: 2f, seed: 1);
        var noFrames = new GatedForward(model, controller, MaskGranularity.Channels | MaskGranularity.Features);
        var all = new GatedForward(model, controller);
        using (GradMode.NoGrad())
        {
            noFrames.Run(Variable.Constant(clips), 0.1f, out var lean);
            all.Run(Variable.Constant(clips), 0.1f, out var full);
            Assert.All(noFrames.Records, r => Assert.All(r.FrameKeep, f => Assert.Equal(1f, f)));
            Assert.Contains(all.Records, r => r.FrameKeep.Any(f => f < 1f));
            Assert.All(lean.Value.ToArray(), r => Assert.InRange(r, 0f, 1f));
        }
    }

    [Fact]
    public void TheRawClipControllerReadsTheClipNotTheFirstActivation()
    {
        var (model, clips) = TinyModel();
        int stemChannels = StemChannels(model, clips);
        var data = new NativeDance.Data.Procedural.ProceduralVideoDataset(NativeDance.Data.DatasetSplit.Train, 8, new NativeDance.Data.ClipSpec(8, 16, 16, 3), seed: 2);
        using var loader = new NativeDance.Data.Loading.ClipLoader(data, new NativeDance.Data.Loading.ClipLoaderOptions { BatchSize = 4, Shuffle = false, Workers = 1 });

        var raw = AapController.Fit(model, loader, ControllerInput.RawClip, seed: 1);
        var conv1 = AapController.Fit(model, loader, ControllerInput.FirstActivation, seed: 1);
        Assert.Equal(ControllerFeatures.Count(3, 8), raw.Features);
        Assert.Equal(ControllerFeatures.Count(stemChannels, 8), conv1.Features);

        // The fitted normalisation is the mean of the raw clips' statistics.
        using var all = Tensor.Uninitialized(new Shape(8, 8, 16, 16, 3));
        var labels = new int[8];
        for (int i = 0; i < 8; i++) labels[i] = data.ReadClip(i, all.Span.Slice(i * 8 * 16 * 16 * 3, 8 * 16 * 16 * 3));
        using var features = ControllerFeatures.Compute(all);
        using var expected = features.Mean(0);
        var mean = raw.NamedBuffers().Single(b => b.Name == "feature_mean").Buffer;
        Assert.Equal(expected.ToArray(), mean.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-4f * (1 + Math.Abs(a)));

        var gated = new GatedForward(model, raw, input: ControllerInput.RawClip);
        Variable ratio;
        using (GradMode.NoGrad()) gated.Run(Variable.Constant(clips), 0.1f, out ratio);
        Assert.All(ratio.Value.ToArray(), r => Assert.InRange(r, 0f, 1f));

        // A controller fitted on one input refuses the other: the feature counts differ.
        Assert.Throws<ArgumentException>(() => new GatedForward(model, conv1, input: ControllerInput.RawClip).Run(Variable.Constant(clips), 0.1f, out _));
        Assert.Throws<ArgumentException>(() => new GatedForward(model, raw).Run(Variable.Constant(clips), 0.1f, out _));
    }

    private static int Column(MaskGranularity g) => g switch { MaskGranularity.Frames => 0, MaskGranularity.Channels => 1, _ => 2 };

    private static (Module Model, Tensor Clips) TinyModel()
    {
        var model = ModelZoo.Create(new ModelSpec("tiny-c3d", 4, Width: 0.25f, Frames: 8, Size: 16, Seed: 1)).Eval();
        return (model, Tensor.RandomUniform(new Shape(2, 8, 16, 16, 3), seed: 2));
    }

    private static int StemChannels(Module model, Tensor clips)
    {
        using (GradMode.NoGrad()) return ((IGatedNetwork)model).ForwardStem(Variable.Constant(clips)).Shape[4];
    }
}
