using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Pruning.Ablations;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Pruning;

public class AblationsRandomMasksTests
{
    private const int N = 3, T = 6, H = 5, W = 4, C = 8;

    [Theory]
    [InlineData(0.5, 0.25, 0.4)]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(0.1, 0.6, 0.15)]
    public void KeepsTheRequestedShareOfFramesChannelsAndFeaturesAndCountsExecutedMacs(double frames, double channels, double features)
    {
        var (gate, geometry) = Gate();
        using var x = Activation(seed: 4, zeroShare: 0.3f);
        var rule = new RandomGateMasks([new GateKeepRatios(0, frames, channels, features)], seed: 9);
        var (masked, fraction, record) = rule.Apply(gate, Variable.Constant(x), geometry);

        int keptFrames = Math.Max(1, (int)Math.Round(frames * T)), keptChannels = (int)Math.Round(channels * C);
        for (int n = 0; n < N; n++)
        {
            var frameSet = new HashSet<int>();
            var channelSet = new HashSet<int>();
            int live = 0;
            double macs = 0, dense = 0;
            for (int t = 0; t < T; t++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++)
            {
                dense += (double)C * geometry.Conv.OutChannels * Pairs(geometry.Conv, t, h, w);
                for (int c = 0; c < C; c++)
                {
                    float v = masked.Value[n, t, h, w, c];
                    if (v == 0f) continue;
                    Assert.Equal(x[n, t, h, w, c], v);
                    frameSet.Add(t);
                    channelSet.Add(c);
                    live++;
                    macs += geometry.Conv.OutChannels * Pairs(geometry.Conv, t, h, w);
                }
            }
            Assert.True(frameSet.Count <= keptFrames && channelSet.Count <= keptChannels);
            Assert.Equal((float)keptFrames / T, record.FrameKeep[n]);
            Assert.Equal((float)keptChannels / C, record.ChannelKeep[n]);
            long region = (long)keptFrames * keptChannels * H * W;
            // Fewer than wanted only when the kept frames and channels hold fewer non-zero elements (exactness: next test).
            int wanted = (int)Math.Round(features * region);
            Assert.True(live <= wanted, $"clip {n}: {live} live elements, {wanted} wanted");
            Assert.Equal(region == 0 ? 0 : live / (double)region, record.FeatureKeep[n], 1e-6);
            Assert.Equal(macs / dense, fraction.Value[n], 1e-6);
            Assert.Equal(fraction.Value[n], record.MacFraction[n]);
        }
        if (frames == 1.0 && channels == 1.0 && features == 1.0)
            Assert.Equal(x.ToArray(), masked.Value.ToArray());
    }

    [Fact]
    public void FeatureCountsMatchExactlyWhenEnoughElementsAreNonZero()
    {
        var (gate, geometry) = Gate();
        using var x = Activation(seed: 5, zeroShare: 0f);
        var rule = new RandomGateMasks([new GateKeepRatios(0, 0.5, 0.5, 0.3)], seed: 1);
        var (masked, _, _) = rule.Apply(gate, Variable.Constant(x), geometry);
        int region = 3 * 4 * H * W;
        for (int n = 0; n < N; n++)
        {
            int live = 0;
            for (int i = 0; i < T * H * W * C; i++) if (masked.Value.Span[n * T * H * W * C + i] != 0f) live++;
            Assert.Equal((int)Math.Round(0.3 * region), live);
        }
    }

    [Fact]
    public void MasksAreDeterministicPerSeed()
    {
        var (gate, geometry) = Gate();
        using var x = Activation(seed: 6, zeroShare: 0.2f);
        float[] Draw(ulong seed) => new RandomGateMasks([new GateKeepRatios(0, 0.5, 0.5, 0.5)], seed).Apply(gate, Variable.Constant(x), geometry).Masked.Value.ToArray();
        Assert.Equal(Draw(3), Draw(3));
        Assert.NotEqual(Draw(3), Draw(4));
    }

    [Fact]
    public void BadRatiosAndMissingGatesAreRefused()
    {
        var (gate, geometry) = Gate();
        using var x = Activation(seed: 7, zeroShare: 0f);
        Assert.Throws<ArgumentException>(() => new RandomGateMasks([new GateKeepRatios(0, 1.5, 0.5, 0.5)], 1));
        Assert.Throws<ArgumentException>(() => new RandomGateMasks([new GateKeepRatios(0, 0.5, 0.5, 0.5), new GateKeepRatios(0, 0.5, 0.5, 0.5)], 1));
        Assert.Throws<ArgumentException>(() => new RandomControllerAblation([]));
        var other = new RandomGateMasks([new GateKeepRatios(3, 0.5, 0.5, 0.5)], 1);
        Assert.Throws<ArgumentException>(() => other.Apply(gate, Variable.Constant(x), geometry));
    }

    private static (ActivationGate Gate, GateGeometry Geometry) Gate()
    {
        var conv = new NativeDance.Models.Layers.Conv3d(C, 5, Dims3.Cube(3), new Dims3(1, 2, 2), Dims3.Cube(1), bias: false);
        var gate = new ActivationGate(conv);
        return (gate, GateGeometry.For(gate, new Shape(1, T, H, W, C)));
    }

    /// <summary>Non-negative values with about <paramref name="zeroShare"/> of them exactly zero.</summary>
    private static Tensor Activation(ulong seed, float zeroShare)
    {
        var x = Tensor.RandomUniform(new Shape(N, T, H, W, C), seed);
        var s = x.Span;
        for (int i = 0; i < s.Length; i++) s[i] = s[i] < zeroShare ? 0f : s[i] + 0.01f;
        return x;
    }

    private static int Pairs(Conv3dGeometry g, int t, int h, int w) =>
        Count(t, g.Kernel.T, g.Stride.T, g.Padding.T, g.Output.T) * Count(h, g.Kernel.H, g.Stride.H, g.Padding.H, g.Output.H) * Count(w, g.Kernel.W, g.Stride.W, g.Padding.W, g.Output.W);

    private static int Count(int i, int k, int s, int p, int outputs)
    {
        int n = 0;
        for (int o = 0; o < outputs; o++) for (int j = 0; j < k; j++) if (o * s - p + j == i) n++;
        return n;
    }
}
