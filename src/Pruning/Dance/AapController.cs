using NativeDance.Autograd;
using NativeDance.Data.Loading;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// DANCE's lightweight controller: normalised statistics of A_1 -> MLP (64, 64, ReLU) -> three non-negative threshold
/// multipliers (k_F, k_C, k_E) = softplus(.) per gated layer, per clip. Output layout [N, 3 * gates]: gate g's multipliers
/// are columns 3g, 3g+1, 3g+2. The feature normalisation (training-set mean and std) is stored as buffers with the weights.
/// </summary>
public sealed class AapController : Module
{
    private readonly Tensor _featureMean;
    private readonly Tensor _featureStd;
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;

    /// <summary>Creates a controller for <paramref name="features"/> inputs and <paramref name="gates"/> gated layers.</summary>
    /// <param name="features">Input feature count (<see cref="ControllerFeatures.Count"/>).</param>
    /// <param name="gates">Gated layers (L - 1).</param>
    /// <param name="initialMultiplier">The multiplier every output starts at (softplus of the initial bias).</param>
    /// <param name="seed">Initialisation seed.</param>
    public AapController(int features, int gates, float initialMultiplier = 0.5f, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gates);
        Features = features;
        Gates = gates;
        _featureMean = AddBuffer("feature_mean", Tensor.Zeros(new Shape(features)));
        _featureStd = AddBuffer("feature_std", Tensor.Ones(new Shape(features)));
        _fc1 = AddModule("fc1", new Linear(features, 64, seed: seed + 1));
        _fc2 = AddModule("fc2", new Linear(64, 64, seed: seed + 3));
        _fc3 = AddModule("fc3", new Linear(64, 3 * gates, seed: seed + 5));
        // Small last-layer weights and a bias at softplus^-1(k0): every clip starts from the same moderate thresholds.
        TensorPrimitivesScale(_fc3.Weight.Value, 0.1f);
        _fc3.Bias!.Value.Span.Fill(MathF.Log(MathF.Exp(initialMultiplier) - 1f));
    }

    /// <summary>
    /// Builds a controller for <paramref name="backbone"/>'s gates whose input size and feature normalisation come from
    /// up to <paramref name="batches"/> batches of <paramref name="loader"/> (the training split). Puts the backbone in
    /// evaluation mode.
    /// </summary>
    /// <exception cref="ArgumentException">The backbone has no activation gates, or the loader yields no clips.</exception>
    public static AapController Fit(Module backbone, ClipLoader loader, ControllerInput input = ControllerInput.FirstActivation, int batches = 16, ulong seed = 3)
    {
        var gated = backbone as IGatedNetwork ?? throw new ArgumentException($"{backbone.GetType().Name} has no activation gates.", nameof(backbone));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        backbone.Eval();
        var rows = new List<float>();
        int count = 0, features = 0;
        using (GradMode.NoGrad())
        {
            foreach (var batch in loader.ReadEpoch(0).Take(batches))
            {
                if (batch.Count == 0) continue;
                using var scope = new GraphScope();
                var source = input == ControllerInput.RawClip ? batch.Clips : gated.ForwardStem(Variable.Constant(batch.Clips)).Value;
                using var f = ControllerFeatures.Compute(source);
                rows.AddRange(f.ToArray());
                count += batch.Count;
                features = f.Shape[1];
            }
        }
        if (count == 0) throw new ArgumentException($"{loader.Dataset.Name} gave no clips to fit the controller's feature normalisation on.", nameof(loader));
        var controller = new AapController(features, gated.Gates.Count, seed: seed);
        using var all = Tensor.FromData(new Shape(count, features), rows.ToArray());
        controller.FitNormalization(all);
        return controller;
    }

    /// <summary>Input feature count.</summary>
    public int Features { get; }

    /// <summary>Gated layers controlled.</summary>
    public int Gates { get; }

    /// <summary>Sets the feature normalisation from raw features of training clips ([M, Features]).</summary>
    public void FitNormalization(Tensor rawFeatures)
    {
        using var mean = rawFeatures.Mean(0);
        using var variance = rawFeatures.Variance(0);
        mean.Span.CopyTo(_featureMean.Span);
        var std = _featureStd.Span;
        for (int i = 0; i < std.Length; i++) std[i] = MathF.Sqrt(variance.Span[i]) + 1e-6f;
    }

    /// <summary>Multipliers [N, 3 * gates] from raw features [N, Features].</summary>
    public override Variable Forward(Variable rawFeatures)
    {
        if (rawFeatures.Shape.Rank != 2 || rawFeatures.Shape[1] != Features)
            throw new ArgumentException($"The controller takes [N, {Features}] features, got {rawFeatures.Shape}.", nameof(rawFeatures));
        var normalized = (rawFeatures - Variable.Constant(_featureMean)) / Variable.Constant(_featureStd);
        var h = Functional.Relu(_fc1.Forward(normalized));
        h = Functional.Relu(_fc2.Forward(h));
        return Functional.Softplus(_fc3.Forward(h));
    }

    /// <inheritdoc />
    public override Shape InferShape(Shape input, List<LayerCost> costs, string path = "")
    {
        var h = _fc1.InferShape(input, costs, "fc1");
        h = _fc2.InferShape(h, costs, "fc2");
        return _fc3.InferShape(h, costs, "fc3");
    }

    private static void TensorPrimitivesScale(Tensor t, float factor) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(t.Span, factor, t.Span);
}
