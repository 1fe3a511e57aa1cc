using NativeDance.Autograd;
using NativeDance.Data.Loading;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;

namespace NativeDance.Pruning.Dance;

/// <summary>Mean CV2 of one gated conv's input over a split, at the three granularities, and a sample of its magnitudes.</summary>
/// <param name="Gate">Gate index.</param>
/// <param name="Conv">Name of the gated conv.</param>
/// <param name="Elements">Mean per-clip CV2 over elements.</param>
/// <param name="Channels">Mean per-clip CV2 over channel means.</param>
/// <param name="Frames">Mean per-clip CV2 over frame means.</param>
/// <param name="Magnitudes">A strided sample of |x| for histograms.</param>
public sealed record GateVariability(int Gate, string Conv, double Elements, double Channels, double Frames, float[] Magnitudes);

/// <summary>Measures how variable the activations entering every gated conv are (before and after AVA).</summary>
public sealed class VariabilityProbe : IActivationInterceptor
{
    private const int SampleStride = 97;
    private readonly Dictionary<int, (string Conv, double E, double C, double F, List<float> Sample)> _sums = [];
    private int _clips;

    /// <summary>Runs <paramref name="model"/> in evaluation mode over one pass of <paramref name="loader"/>.</summary>
    public static IReadOnlyList<GateVariability> Measure(Module model, ClipLoader loader, int maxBatches = int.MaxValue)
    {
        var probe = new VariabilityProbe();
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            using var intercept = ActivationGate.Intercept(probe);
            foreach (var batch in loader.ReadEpoch(0).Take(maxBatches))
            {
                if (batch.Count == 0) continue;
                using var scope = new GraphScope();
                model.Forward(Variable.Constant(batch.Clips));
                probe._clips += batch.Count;
            }
        }
        finally
        {
            if (training) model.Train();
        }
        return probe._sums.OrderBy(kv => kv.Key).Select(kv => new GateVariability(kv.Key, kv.Value.Conv,
            kv.Value.E / probe._clips, kv.Value.C / probe._clips, kv.Value.F / probe._clips, kv.Value.Sample.ToArray())).ToList();
    }

    /// <inheritdoc />
    public Variable OnActivation(ActivationGate gate, Variable activation)
    {
        var e = ActivationVariability.Elements(activation).Value.ToArray();
        var c = ActivationVariability.Channels(activation).Value.ToArray();
        var f = ActivationVariability.Frames(activation).Value.ToArray();
        var entry = _sums.TryGetValue(gate.Index, out var existing) ? existing : (gate.ConvName, 0.0, 0.0, 0.0, new List<float>());
        var values = activation.Value.Span;
        for (int i = entry.Item5.Count % SampleStride; i < values.Length; i += SampleStride) entry.Item5.Add(MathF.Abs(values[i]));
        _sums[gate.Index] = (entry.Item1, entry.Item2 + e.Sum(), entry.Item3 + c.Sum(), entry.Item4 + f.Sum(), entry.Item5);
        return activation;
    }
}
