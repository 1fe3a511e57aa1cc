using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Ablations;

/// <summary>
/// The random controller: at every gate and for every clip it keeps round(rF * T) random frames (at least one),
/// round(rC * C) random channels and, of the non-zero elements of the kept frames and channels, round(rE * region)
/// random ones (all of them when fewer are non-zero), where (rF, rC, rE) are that gate's target keep ratios. Draws come
/// from one seeded stream, so the same seed and inputs give the same masks. MACs are counted as DANCE's gates count them.
/// </summary>
internal sealed class RandomGateMasks : IGateMaskRule
{
    private readonly Dictionary<int, GateKeepRatios> _ratios;
    private SeededRandom _random;

    /// <summary>Masks with <paramref name="ratios"/> (one entry per gate), drawing from a stream seeded with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">A ratio lies outside [0, 1] or a gate appears twice.</exception>
    public RandomGateMasks(IReadOnlyList<GateKeepRatios> ratios, ulong seed)
    {
        _ratios = [];
        foreach (var r in ratios)
        {
            foreach (double v in new[] { r.Frames, r.Channels, r.Features })
                if (!(v >= 0 && v <= 1)) throw new ArgumentException($"Keep ratios must lie in [0, 1]; gate {r.Gate} has {r}.", nameof(ratios));
            if (!_ratios.TryAdd(r.Gate, r)) throw new ArgumentException($"Gate {r.Gate} has two sets of keep ratios.", nameof(ratios));
        }
        _random = new SeededRandom(seed);
    }

    /// <summary>The gates that have keep ratios.</summary>
    public IReadOnlyCollection<int> Gates => _ratios.Keys;

    /// <inheritdoc />
    public (Variable Masked, Variable MacFraction, GateRecord Record) Apply(ActivationGate gate, Variable activation, GateGeometry geometry)
    {
        if (!_ratios.TryGetValue(gate.Index, out var r))
            throw new ArgumentException($"No keep ratios for gate {gate.Index} ({gate.ConvName}).", nameof(gate));
        var shape = activation.Shape;
        int n = shape[0], frames = shape[1], pixels = shape[2] * shape[3], channels = shape[4];
        int clip = frames * pixels * channels, frameLength = pixels * channels;
        int keptFrames = Math.Clamp((int)Math.Round(r.Frames * frames), 1, frames);
        int keptChannels = Math.Clamp((int)Math.Round(r.Channels * channels), 0, channels);
        long region = (long)keptFrames * keptChannels * pixels;
        int wantedFeatures = (int)Math.Round(r.Features * region);

        using var dense = activation.Value.Contiguous();
        var masked = GraphScope.Track(Tensor.Zeros(shape));
        var fraction = GraphScope.Track(Tensor.Uninitialized(new Shape(n)));
        var frameKeep = new float[n];
        var channelKeep = new float[n];
        var featureKeep = new float[n];
        var frameOrder = new int[frames];
        var channelOrder = new int[channels];
        var candidates = new List<int>();
        for (int s = 0; s < n; s++)
        {
            var input = dense.Span.Slice(s * clip, clip);
            var output = masked.Span.Slice(s * clip, clip);
            var keptFrameSet = Draw(frameOrder, keptFrames);
            var keptChannelSet = Draw(channelOrder, keptChannels);
            candidates.Clear();
            foreach (int t in keptFrameSet)
                for (int p = 0; p < pixels; p++)
                    foreach (int c in keptChannelSet)
                    {
                        int i = t * frameLength + p * channels + c;
                        if (input[i] != 0f) candidates.Add(i);
                    }
            var candidateArray = candidates.ToArray();
            var kept = Draw(candidateArray, Math.Min(wantedFeatures, candidateArray.Length), identity: false);
            foreach (int i in kept) output[i] = input[i];
            fraction.Span[s] = GateMasking.ExecutedFraction(geometry, output);
            frameKeep[s] = (float)keptFrames / frames;
            channelKeep[s] = (float)keptChannels / channels;
            featureKeep[s] = region == 0 ? 0f : (float)(kept.Length / (double)region);
        }
        var record = new GateRecord(gate.Index, frameKeep, channelKeep, featureKeep, fraction.ToArray());
        return (Variable.Constant(masked), Variable.Constant(fraction), record);
    }

    /// <summary>
    /// A uniformly random subset of <paramref name="items"/> of size <paramref name="count"/> (partial Fisher-Yates),
    /// returned as the first <paramref name="count"/> entries. With <paramref name="identity"/> the items are first reset to 0..n-1.
    /// </summary>
    private ReadOnlySpan<int> Draw(int[] items, int count, bool identity = true)
    {
        if (identity) for (int i = 0; i < items.Length; i++) items[i] = i;
        for (int i = 0; i < count; i++)
        {
            int j = i + _random.NextInt(items.Length - i);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items.AsSpan(0, count);
    }
}
