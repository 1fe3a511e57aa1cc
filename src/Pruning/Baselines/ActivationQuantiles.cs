using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// The distribution of every gate's input values (zeros included) over a set of clips, from one unmasked pass, kept as a
/// sorted sample of about <c>maxSamples</c> values per gate (every k-th element, k fixed per gate): the per-layer
/// quantiles that set FATReLU thresholds.
/// </summary>
public sealed class ActivationQuantiles
{
    private readonly float[][] _sorted;

    private ActivationQuantiles(float[][] sorted) => _sorted = sorted;

    /// <summary>Samples the gate inputs of <paramref name="model"/> (evaluation mode, no masks) on <paramref name="batches"/>.</summary>
    /// <exception cref="ArgumentException">The model has no gates, or <paramref name="maxSamples"/> is not positive.</exception>
    public static ActivationQuantiles Measure(Module model, NetworkMacs macs, IReadOnlyList<LabeledBatch> batches, int maxSamples = 1 << 18)
    {
        if (maxSamples < 1) throw new ArgumentException($"At least one sample per gate is needed, got {maxSamples}.", nameof(maxSamples));
        int clips = batches.Sum(b => b.Labels.Length);
        if (clips == 0) throw new ArgumentException("Quantiles need at least one clip.", nameof(batches));
        var strides = Enumerable.Range(0, macs.Gates.Count)
            .Select(g => (int)Math.Max(1, ((long)macs.GateInput(g).ElementCount * clips + maxSamples - 1) / maxSamples)).ToArray();
        var recorder = new Recorder(strides);
        EvaluationPass.Run(model, recorder, batches);
        return new ActivationQuantiles(recorder.Samples.Select(s =>
        {
            var array = s.ToArray();
            Array.Sort(array);
            return array;
        }).ToArray());
    }

    /// <summary>Gates measured.</summary>
    public int Gates => _sorted.Length;

    /// <summary>The <paramref name="q"/>-quantile (0 to 1) of gate <paramref name="gate"/>'s input values (nearest rank).</summary>
    public float Quantile(int gate, double q)
    {
        var s = _sorted[gate];
        return s[(int)Math.Round(Math.Clamp(q, 0, 1) * (s.Length - 1))];
    }

    /// <summary>The thresholds T_l = the <paramref name="q"/>-quantile of every gate.</summary>
    public float[] Thresholds(double q) => Enumerable.Range(0, Gates).Select(g => Quantile(g, q)).ToArray();

    /// <summary>Keeps every stride-th value of each gate's input, counting across batches.</summary>
    private sealed class Recorder(int[] strides) : IActivationInterceptor
    {
        private readonly long[] _offsets = new long[strides.Length];

        public List<float>[] Samples { get; } = strides.Select(_ => new List<float>()).ToArray();

        public Variable OnActivation(ActivationGate gate, Variable activation)
        {
            using var x = activation.Value.Contiguous();
            var values = x.Span;
            int stride = strides[gate.Index];
            var list = Samples[gate.Index];
            // Continue the stride where the previous batch left off, so the sample is evenly spread over all clips.
            int start = (int)((stride - _offsets[gate.Index] % stride) % stride);
            for (int i = start; i < values.Length; i += stride) list.Add(values[i]);
            _offsets[gate.Index] += values.Length;
            return activation;
        }
    }
}
