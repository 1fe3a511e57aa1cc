using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Baselines;
using NativeDance.Tensors;
using static NativeDance.Tests.Pruning.Baselines.BaselineFixture;

namespace NativeDance.Tests.Pruning.Baselines;

/// <summary>Each baseline's masks zero exactly what they claim, and its metered MAC ratio equals a brute-force count.</summary>
public class BaselinePolicyTests
{
    [Theory]
    [InlineData("tiny-c3d")]
    [InlineData("r3d-18")]
    public void StaticChannelPruningZeroesThePrunedChannelsAndCountsProducerAndConsumerMacs(string architecture)
    {
        var model = Model(architecture);
        using var clips = RandomClips(seed: 1);
        var producers = ChannelProducers.Of(model);
        var ranking = producers.ToDictionary(p => p.Key, p => FilterNorms.RankByL1(p.Value));
        var kept = L1ChannelPruning.KeptChannels(ranking, 0.6);
        var outputs = kept.ToDictionary(p => producers[p.Key], p => p.Value.Count(k => k));
        var macs = NetworkMacs.For(model, Clips);
        using var policy = StaticMaskPolicy.Channels(kept);
        var (logits, gates, ratios) = Run(model, policy, new MacMeter(macs, outputs), clips);

        foreach (var (gate, keep) in kept)
        {
            Assert.Equal((int)Math.Round(0.6 * keep.Length), keep.Count(k => k));
            var norms = FilterNorms.L1(producers[gate]);
            double weakestKept = norms.Where((_, c) => keep[c]).Min(), strongestPruned = norms.Where((_, c) => !keep[c]).DefaultIfEmpty(0).Max();
            Assert.True(weakestKept >= strongestPruned, $"gate {gate}: a pruned filter ({strongestPruned}) outweighs a kept one ({weakestKept})");
        }
        var expected = Forward(model, clips, (gate, x) => kept.TryGetValue(gate, out var keep) ? Masked(x, (_, c) => keep[c]) : x.Clone());
        Assert.Equal(expected.ToArray(), logits.ToArray());
        foreach (var (gate, (input, masked)) in gates)
            Assert.Equal(kept.TryGetValue(gate, out var keep) ? Masked(input, (_, c) => keep[c]).ToArray() : input.ToArray(), masked.ToArray());
        for (int n = 0; n < Clips[0]; n++)
            Assert.Equal(BruteForceRatio(model, gates, n, outputs), ratios[n], 10);
        // On a dense kernel a gated conv costs kept inputs x kept outputs of its channels, an ungated one its kept outputs.
        double structural = macs.DenseMacs.Sum(p =>
        {
            int gate = macs.GateOf(p.Key);
            double output = (double)outputs.GetValueOrDefault(p.Key, p.Key.OutChannels) / p.Key.OutChannels;
            double input = gate >= 0 && kept.TryGetValue(gate, out var keep) ? (double)keep.Count(k => k) / keep.Length : 1;
            return p.Value * input * output;
        }) / macs.TotalDenseMacs;
        Assert.Equal(structural, policy.StructuralMacRatio(new MacMeter(macs, outputs)), 10);
        if (architecture == "r3d-18")
            Assert.All(producers.Keys, g => Assert.EndsWith("conv2.0", ((IGatedNetwork)model).Gates[g].ConvName));
    }

    [Fact]
    public void FrameSubsamplingKeepsEvenlySpreadFramesAndCountsExactMacs()
    {
        var model = Model();
        using var clips = RandomClips(seed: 2);
        var macs = NetworkMacs.For(model, Clips);
        int[] frames = macs.Gates.Select(g => g.FanT.Length).ToArray();
        var kept = FrameSubsampling.KeptFrames(frames, 0.5);
        Assert.Equal([8, 4, 2], frames);
        Assert.Equal([false, true, false, true, false, true, false, true], kept[0]);
        Assert.Equal([false, true, false, true], kept[1]);
        Assert.Equal([false, true], kept[2]);
        using var policy = StaticMaskPolicy.Frames(kept);
        var (logits, gates, ratios) = Run(model, policy, new MacMeter(macs), clips);

        var expected = Forward(model, clips, (gate, x) => Masked(x, (t, _) => kept[gate][t]));
        Assert.Equal(expected.ToArray(), logits.ToArray());
        for (int n = 0; n < Clips[0]; n++) Assert.Equal(BruteForceRatio(model, gates, n), ratios[n], 10);
        Assert.Single(FrameSubsampling.KeptFrames([5], 0.01)[0], k => k);

        // On a dense kernel every kept frame costs its full fan: the ratio follows from the geometry alone.
        double structural = macs.DenseMacs.Sum(p =>
        {
            int gate = macs.GateOf(p.Key);
            if (gate < 0) return p.Value;
            var fan = macs.Gates[gate].FanT;
            return p.Value * fan.Where((_, t) => kept[gate][t]).Sum() / fan.Sum();
        }) / macs.TotalDenseMacs;
        Assert.Equal(structural, policy.StructuralMacRatio(new MacMeter(macs)), 10);
        using var keepAll = StaticMaskPolicy.Frames(new Dictionary<int, bool[]>());
        Assert.Equal(1.0, keepAll.StructuralMacRatio(new MacMeter(macs)), 10);
    }

    [Fact]
    public void ThresholdsZeroEveryInputBelowTheirLayersQuantileAndCountExactMacs()
    {
        var model = Model();
        using var clips = RandomClips(seed: 3);
        var macs = NetworkMacs.For(model, Clips);
        var batches = new[] { new LabeledBatch(clips, [0, 1]) };
        var quantiles = ActivationQuantiles.Measure(model, macs, batches, maxSamples: 5000);
        float[] thresholds = quantiles.Thresholds(0.8);
        var (logits, gates, ratios) = Run(model, new ThresholdPolicy(thresholds), new MacMeter(macs), clips);

        foreach (var (gate, (input, masked)) in gates)
        {
            var x = input.ToArray();
            Assert.Equal(x.Select(v => v > 0 && v >= thresholds[gate] ? v : 0f).ToArray(), masked.ToArray());
            if (gate == 0)
            {
                // The first gate sees the unthresholded network, so its quantile describes exactly these values.
                double below = x.Count(v => v < thresholds[gate]) / (double)x.Length;
                Assert.InRange(below, 0.75, 0.82);
            }
        }
        var expected = Forward(model, clips, (gate, x) => Masked(x, (_, _) => true, v => v > 0 && v >= thresholds[gate]));
        Assert.Equal(expected.ToArray(), logits.ToArray());
        for (int n = 0; n < Clips[0]; n++) Assert.Equal(BruteForceRatio(model, gates, n), ratios[n], 10);
    }

    [Fact]
    public void SaliencyGatingKeepsTheTopChannelsPerClipScaledByTheirSaliencyAndCountsThePredictors()
    {
        var model = Model();
        using var clips = RandomClips(seed: 4);
        var macs = NetworkMacs.For(model, Clips);
        var predictors = new SaliencyPredictors(ChannelSaliencyGating.ChannelMeans(model, [new LabeledBatch(clips, [0, 1])]));
        ulong seed = 10;
        foreach (var p in predictors.Parameters())
        {
            using var noise = Tensor.RandomUniform(p.Shape, seed++, 0f, 1f);
            noise.Span.CopyTo(p.Value.Span);
        }
        var policy = new SaliencyPolicy(predictors, 0.4);
        double overhead = policy.OverheadMacs(macs);
        var (_, gates, ratios) = Run(model, policy, new MacMeter(macs, overheadMacs: overhead), clips);

        var parameters = predictors.Parameters();
        foreach (var (gate, (input, masked)) in gates)
        {
            int channels = input.Shape[4], kept = (int)Math.Ceiling(0.4 * channels);
            Assert.Equal(kept, policy.Kept(channels));
            var weight = parameters[2 * gate].Value;
            var bias = parameters[2 * gate + 1].Value;
            for (int n = 0; n < Clips[0]; n++)
            {
                var saliency = ReferenceSaliency(input, n, weight, bias);
                var top = Enumerable.Range(0, channels).OrderByDescending(c => saliency[c]).ThenBy(c => c).Take(kept).ToHashSet();
                var s = input.Shape;
                for (int t = 0; t < s[1]; t++) for (int h = 0; h < s[2]; h++) for (int w = 0; w < s[3]; w++) for (int c = 0; c < channels; c++)
                {
                    double want = top.Contains(c) ? input[n, t, h, w, c] * saliency[c] : 0;
                    Assert.Equal(want, masked[n, t, h, w, c], 1e-4 * (1 + Math.Abs(want)));
                }
            }
        }
        // Per gate: one add per input element for the channel means, C x C for the Linear layer, one multiply per kept element.
        double predictorMacs = gates.Values.Sum(g =>
        {
            var s = g.Input.Shape;
            double elements = (double)s[1] * s[2] * s[3] * s[4];
            return elements + (double)s[4] * s[4] + elements / s[4] * Math.Ceiling(0.4 * s[4]);
        });
        Assert.Equal(predictorMacs, overhead, 6);
        for (int n = 0; n < Clips[0]; n++) Assert.Equal(BruteForceRatio(model, gates, n, overhead: overhead), ratios[n], 10);
    }

    [Fact]
    public void BadKnobsAreRefused()
    {
        var predictors = new SaliencyPredictors([[1f, 2f]]);
        Assert.Contains("rho", Assert.Throws<ArgumentException>(() => new SaliencyPolicy(predictors, 0)).Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentException>(() => new SaliencyPolicy(predictors, 1.5)).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => new ThresholdPolicy([0.5f, -1f])).Message);
        Assert.Throws<ArgumentException>(() => StaticMaskPolicy.Channels(new Dictionary<int, bool[]> { [0] = [false, false] }));
        Assert.Throws<ArgumentException>(() => new MacMeter(NetworkMacs.For(Model(), Clips), overheadMacs: -1));
    }

    /// <summary>relu(W m + b) with m the channel means of clip n, in double precision.</summary>
    private static double[] ReferenceSaliency(Tensor x, int n, Tensor weight, Tensor bias)
    {
        var s = x.Shape;
        int channels = s[4];
        var means = new double[channels];
        for (int t = 0; t < s[1]; t++) for (int h = 0; h < s[2]; h++) for (int w = 0; w < s[3]; w++) for (int c = 0; c < channels; c++) means[c] += x[n, t, h, w, c];
        for (int c = 0; c < channels; c++) means[c] /= s[1] * s[2] * s[3];
        var saliency = new double[channels];
        for (int o = 0; o < channels; o++)
        {
            double sum = bias[o];
            for (int c = 0; c < channels; c++) sum += weight[o, c] * means[c];
            saliency[o] = Math.Max(0, sum);
        }
        return saliency;
    }

    /// <summary>x [N, T, H, W, C] with element (t, c) kept where <paramref name="keep"/> says and its value passes <paramref name="value"/>.</summary>
    private static Tensor Masked(Tensor x, Func<int, int, bool> keep, Func<float, bool>? value = null)
    {
        var s = x.Shape;
        var result = x.Clone();
        var span = result.Span;
        int frame = s[2] * s[3] * s[4];
        for (int i = 0; i < span.Length; i++)
        {
            int t = i / frame % s[1], c = i % s[4];
            if (!keep(t, c) || (value is not null && !value(span[i]))) span[i] = 0f;
        }
        return result;
    }
}
