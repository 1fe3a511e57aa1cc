using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Baselines;
using NativeDance.Tensors;

namespace NativeDance.Tests.Pruning.Baselines;

/// <summary>A tiny untrained model (width 0.25, 8x16x16 clips), runs under a policy, and a brute-force MAC count to check against.</summary>
internal static class BaselineFixture
{
    public static readonly Shape Clips = new(2, 8, 16, 16, 3);

    public static Module Model(string architecture = "tiny-c3d") =>
        ModelZoo.Create(new ModelSpec(architecture, 4, Width: 0.25f, Frames: 8, Size: 16, Seed: 3)).Eval();

    public static Tensor RandomClips(ulong seed) => Tensor.RandomUniform(Clips, seed);

    /// <summary>Runs <paramref name="model"/> under <paramref name="policy"/> with a meter; returns logits, each gate's (input, masked input) and the meter's ratios.</summary>
    public static (Tensor Logits, Dictionary<int, (Tensor Input, Tensor Masked)> Gates, double[] Ratios) Run(Module model, GatePolicy policy, MacMeter meter, Tensor clips)
    {
        var capture = new Capture(policy);
        policy.Meter = meter;
        meter.Begin(clips.Shape[0]);
        Tensor logits;
        using (GradMode.NoGrad())
        using (ActivationGate.Intercept(capture))
            logits = model.Forward(Variable.Constant(clips)).Value.Clone();
        policy.Meter = null;
        return (logits, capture.Gates, meter.Ratios());
    }

    /// <summary>Logits of <paramref name="model"/> when every gate's input is replaced by what <paramref name="replace"/> returns.</summary>
    public static Tensor Forward(Module model, Tensor clips, Func<int, Tensor, Tensor> replace)
    {
        using (GradMode.NoGrad())
        using (ActivationGate.Intercept(new Replace(replace)))
            return model.Forward(Variable.Constant(clips)).Value.Clone();
    }

    /// <summary>
    /// R(x) of clip <paramref name="n"/> counted output by output: for every gated conv, each (output position, tap,
    /// input channel) whose input element is in range and non-zero costs one MAC per kept output channel; ungated convs
    /// run densely over their kept outputs; ratios weigh convs by their conventional dense MACs, as DANCE's R(x) does.
    /// </summary>
    public static double BruteForceRatio(Module model, IReadOnlyDictionary<int, (Tensor Input, Tensor Masked)> gates, int n,
        IReadOnlyDictionary<Conv3d, int>? keptOutputs = null, double overhead = 0)
    {
        var costs = new List<LayerCost>();
        model.InferShape(new Shape(1, Clips[1], Clips[2], Clips[3], Clips[4]), costs);
        var convs = model.NamedParameters().Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal))
            .Join(model.Descendants().OfType<Conv3d>(), p => p.Parameter, c => c.Weight, (p, c) => (Name: p.Name[..^7], Conv: c), ReferenceEqualityComparer.Instance)
            .ToDictionary(p => p.Name, p => p.Conv);
        var gated = ((IGatedNetwork)model).Gates;
        double numerator = overhead, total = 0;
        foreach (var cost in costs.Where(c => c.Kind == nameof(Conv3d)))
        {
            var conv = convs[cost.Name];
            int kept = keptOutputs is not null && keptOutputs.TryGetValue(conv, out int k) ? k : conv.OutChannels;
            total += cost.Macs;
            var gate = gated.FirstOrDefault(g => ReferenceEquals(g.Conv, conv));
            if (gate is null)
            {
                numerator += (double)cost.Macs * kept / conv.OutChannels;
                continue;
            }
            var x = gates[gate.Index].Masked;
            var (executed, dense) = CountTaps(conv, x, n);
            numerator += cost.Macs * (executed * kept) / (dense * conv.OutChannels);
        }
        return numerator / total;
    }

    /// <summary>(non-zero in-range input taps, in-range input taps) summed over outputs, taps and input channels of clip n.</summary>
    private static (double Executed, double Dense) CountTaps(Conv3d conv, Tensor x, int n)
    {
        var s = x.Shape;
        var g = conv.GeometryFor(new Shape(1, s[1], s[2], s[3], s[4]));
        double executed = 0, dense = 0;
        for (int ot = 0; ot < g.Output.T; ot++) for (int oh = 0; oh < g.Output.H; oh++) for (int ow = 0; ow < g.Output.W; ow++)
        for (int kt = 0; kt < g.Kernel.T; kt++) for (int kh = 0; kh < g.Kernel.H; kh++) for (int kw = 0; kw < g.Kernel.W; kw++)
        {
            int t = ot * g.Stride.T - g.Padding.T + kt * g.Dilation.T;
            int h = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
            int w = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
            if (t < 0 || t >= s[1] || h < 0 || h >= s[2] || w < 0 || w >= s[3]) continue;
            for (int c = 0; c < s[4]; c++)
            {
                dense++;
                if (x[n, t, h, w, c] != 0f) executed++;
            }
        }
        return (executed, dense);
    }

    private sealed class Capture(IActivationInterceptor inner) : IActivationInterceptor
    {
        public Dictionary<int, (Tensor Input, Tensor Masked)> Gates { get; } = [];

        public Variable OnActivation(ActivationGate gate, Variable activation)
        {
            var masked = inner.OnActivation(gate, activation);
            Gates[gate.Index] = (activation.Value.Clone(), masked.Value.Clone());
            return masked;
        }
    }

    private sealed class Replace(Func<int, Tensor, Tensor> replace) : IActivationInterceptor
    {
        public Variable OnActivation(ActivationGate gate, Variable activation) => Variable.Constant(GraphScope.Track(replace(gate.Index, activation.Value)));
    }
}
