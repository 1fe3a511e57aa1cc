using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;

namespace NativeDance.Tests.Inference;

/// <summary>Small zoo models with non-trivial batch-norm statistics (so folding is exercised) and controllers for them.</summary>
internal static class PlanModels
{
    public const int Frames = 8;
    public const int Size = 16;

    public static Module Create(string architecture, ulong seed = 1) =>
        Create(architecture, architecture == "tiny-c3d" ? 0.5f : 0.125f, FramesOf(architecture), Size, seed);

    /// <summary>A zoo model of 5 classes with random weights and batch-norm statistics that are not the identity, in eval mode.</summary>
    public static Module Create(string architecture, float width, int frames, int size, ulong seed)
    {
        var model = ModelZoo.Create(new ModelSpec(architecture, 5, width, frames, size, Seed: seed));
        var random = new Random((int)seed);
        foreach (var norm in model.Descendants().OfType<BatchNorm3d>())
        {
            Fill(norm.Weight.Value.Span, random, 0.5, 1.5);
            Fill(norm.Bias.Value.Span, random, -0.3, 0.3);
            Fill(norm.State.Mean.Span, random, -0.2, 0.2);
            Fill(norm.State.Variance.Span, random, 0.5, 2);
        }
        model.Eval();
        return model;
    }

    public static int FramesOf(string architecture) => architecture == "c3d" ? 16 : Frames;

    /// <summary>A controller for <paramref name="model"/> whose normalisation is fitted on <paramref name="clips"/> and whose
    /// multipliers vary from clip to clip around <paramref name="multiplier"/>.</summary>
    public static AapController Controller(Module model, Tensor clips, float multiplier = 0.8f, ulong seed = 7)
    {
        var gated = (IGatedNetwork)model;
        Tensor features;
        using (GradMode.NoGrad())
        {
            var a1 = gated.ForwardStem(Variable.Constant(clips));
            features = ControllerFeatures.Compute(a1.Value);
        }
        var controller = new AapController(features.Shape[1], gated.Gates.Count, multiplier, seed);
        controller.FitNormalization(features);
        // Larger last-layer weights than the initial 0.1 scale: per-clip, per-gate multipliers that differ.
        var fc3 = controller.NamedParameters().First(p => p.Name == "fc3.weight").Parameter.Value.Span;
        for (int i = 0; i < fc3.Length; i++) fc3[i] *= 4f;
        controller.Eval();
        features.Dispose();
        return controller;
    }

    /// <summary>
    /// Sets every gate's feature multiplier k_E of <paramref name="controller"/> to about 4e-18 (zero weights, bias -40
    /// before the softplus): features are then kept where x &gt; 0, and frame and channel decisions rest on means alone.
    /// </summary>
    public static AapController WithoutFeatureThresholds(AapController controller)
    {
        var parameters = controller.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value);
        var weight = parameters["fc3.weight"];
        var bias = parameters["fc3.bias"].Span;
        int inputs = weight.Shape[1];
        for (int row = 2; row < bias.Length; row += 3)
        {
            weight.Span.Slice(row * inputs, inputs).Clear();
            bias[row] = -40f;
        }
        return controller;
    }

    public static Tensor Clips(int count, int frames, ulong seed, int size = Size) => Tensor.RandomNormal(new Shape(count, frames, size, size, 3), seed);

    private static void Fill(Span<float> values, Random random, double low, double high)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
    }
}
