using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tensors.Conv;

namespace NativeDance.Tests.Pruning;

public class GateMaskingTests
{
    private static readonly Shape Input = new(2, 6, 5, 4, 7); // N, T, H, W, C

    [Fact]
    public void MasksFollowTheThresholdsInMethodOrderAndCountExecutedMacsExactly()
    {
        var gate = FirstGate(stride: 2);
        var geometry = GateGeometry.For(gate, new Shape(1, 6, 5, 4, 7));
        using var x = ReluInput(seed: 1);
        var k = Variable.Constant(Tensor.FromData(new Shape(2, 3), [0.9f, 1.0f, 0.6f, 0.5f, 0.8f, 1.2f]));
        var (masked, fraction, _) = GateMasking.Apply(Variable.Constant(x), k, geometry, temperature: 0.5f);

        for (int n = 0; n < 2; n++)
        {
            var (kF, kC, kE) = (k.Value[n, 0], k.Value[n, 1], k.Value[n, 2]);
            var expected = ReferenceMask(x, n, kF, kC, kE);
            double macs = 0;
            var conv = geometry.Conv;
            for (int t = 0; t < 6; t++) for (int h = 0; h < 5; h++) for (int w = 0; w < 4; w++) for (int c = 0; c < 7; c++)
            {
                bool keep = expected[t, h, w, c];
                Assert.Equal(keep ? x[n, t, h, w, c] : 0f, masked.Value[n, t, h, w, c]);
                if (keep) macs += conv.OutChannels * Pairs(conv, t, h, w);
            }
            double dense = 0;
            for (int t = 0; t < 6; t++) for (int h = 0; h < 5; h++) for (int w = 0; w < 4; w++) dense += conv.OutChannels * 7 * Pairs(conv, t, h, w);
            Assert.Equal(macs / dense, fraction.Value[n], 5);
        }
    }

    [Fact]
    public void RaisingAMultiplierPrunesMoreAndItsGradientSaysSo()
    {
        var gate = FirstGate(stride: 1);
        var geometry = GateGeometry.For(gate, new Shape(1, 6, 5, 4, 7));
        using var x = ReluInput(seed: 2);
        var k = Variable.Parameter(Tensor.FromData(new Shape(2, 3), [0.8f, 0.8f, 0.8f, 0.8f, 0.8f, 0.8f]));
        var (_, low, _) = GateMasking.Apply(Variable.Constant(x), k, geometry, 0.5f);
        Functional.Sum(low).Backward();
        Assert.All(k.Grad!.ToArray(), g => Assert.True(g <= 0f, $"cost gradient {g} should not be positive"));
        Assert.Contains(k.Grad!.ToArray(), g => g < 0f);

        var higher = Variable.Constant(Tensor.Full(new Shape(2, 3), 1.3f));
        var (_, high, _) = GateMasking.Apply(Variable.Constant(x), higher, geometry, 0.5f);
        for (int n = 0; n < 2; n++) Assert.True(high.Value[n] < low.Value[n]);
    }

    [Fact]
    public void TheActivationGradientPassesThroughKeptElementsOnly()
    {
        var geometry = GateGeometry.For(FirstGate(stride: 1), new Shape(1, 6, 5, 4, 7));
        using var xs = ReluInput(seed: 3);
        var x = Variable.Parameter(xs);
        var k = Variable.Constant(Tensor.Full(new Shape(2, 3), 1f));
        var (masked, _, _) = GateMasking.Apply(x, k, geometry, 0.5f);
        Functional.Sum(masked).Backward();
        var kept = masked.Value.ToArray();
        var grad = x.Grad!.ToArray();
        for (int i = 0; i < kept.Length; i++) Assert.Equal(kept[i] != 0f ? 1f : 0f, grad[i]);
    }

    private static ActivationGate FirstGate(int stride)
    {
        var conv = new NativeDance.Models.Layers.Conv3d(7, 3, Dims3.Cube(3), Dims3.Cube(stride), Dims3.Cube(1), bias: false);
        return new ActivationGate(conv);
    }

    private static Tensor ReluInput(ulong seed)
    {
        using var raw = Tensor.RandomNormal(Input, seed);
        return raw.Relu();
    }

    private static int Pairs(Conv3dGeometry g, int t, int h, int w) =>
        Count(t, g.Kernel.T, g.Stride.T, g.Padding.T, g.Output.T) * Count(h, g.Kernel.H, g.Stride.H, g.Padding.H, g.Output.H) * Count(w, g.Kernel.W, g.Stride.W, g.Padding.W, g.Output.W);

    private static int Count(int i, int k, int s, int p, int outputs)
    {
        int n = 0;
        for (int o = 0; o < outputs; o++) for (int j = 0; j < k; j++) if (o * s - p + j == i) n++;
        return n;
    }

    /// <summary>METHOD.md's masks written out plainly in double precision.</summary>
    private static bool[,,,] ReferenceMask(Tensor x, int n, float kF, float kC, float kE)
    {
        int T = 6, H = 5, W = 4, C = 7;
        var phi = new double[T];
        for (int t = 0; t < T; t++) { for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) for (int c = 0; c < C; c++) phi[t] += x[n, t, h, w, c]; phi[t] /= H * W * C; }
        double thrF = kF * phi.Average();
        var frames = phi.Select(p => p >= thrF).ToArray();
        if (!frames.Any(f => f)) frames[Array.IndexOf(phi, phi.Max())] = true;
        var psi = new double[C];
        int keptT = frames.Count(f => f);
        for (int c = 0; c < C; c++) { for (int t = 0; t < T; t++) if (frames[t]) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) psi[c] += x[n, t, h, w, c]; psi[c] /= keptT * H * W; }
        double thrC = kC * psi.Average();
        var channels = psi.Select(p => p >= thrC).ToArray();
        double mu = 0; int count = 0;
        for (int t = 0; t < T; t++) if (frames[t]) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) for (int c = 0; c < C; c++) if (channels[c]) { mu += x[n, t, h, w, c]; count++; }
        double thrE = kE * (count == 0 ? 0 : mu / count);
        var mask = new bool[T, H, W, C];
        for (int t = 0; t < T; t++) for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) for (int c = 0; c < C; c++)
        {
            float v = x[n, t, h, w, c];
            mask[t, h, w, c] = frames[t] && channels[c] && v > 0 && v >= (float)thrE;
        }
        return mask;
    }
}
