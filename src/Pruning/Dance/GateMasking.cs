using NativeDance.Autograd;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// Applies DANCE's masks at one gate for a batch, as two differentiable outputs that share the masks: the masked
/// activation X' = X * mF * mC * mE and each clip's executed-MAC fraction of the gated conv. Forward uses the hard
/// masks; backward is straight-through: each hard test's derivative is that of sigmoid((score - k * scale) / (T_s * scale)),
/// so d mask / d k = -s (1 - s) / T_s, and gradients reach the controller's multipliers (kF, kC, kE) from both the task
/// loss and the MAC penalty. The activation's own gradient passes through the hard mask.
/// </summary>
internal sealed class GateMasking
{
    private readonly GateGeometry _geometry;
    private readonly Tensor _x;
    private readonly SampleMasks[] _masks;
    private readonly float _temperature;
    private readonly MaskGranularity _enabled;

    private GateMasking(GateGeometry geometry, Tensor x, SampleMasks[] masks, float temperature, MaskGranularity enabled)
    {
        _geometry = geometry;
        _x = x;
        _masks = masks;
        _temperature = temperature;
        _enabled = enabled;
    }

    public IReadOnlyList<SampleMasks> Masks => _masks;

    /// <summary>
    /// Masks <paramref name="x"/> [N, T, H, W, C] with multipliers <paramref name="k"/> [N, 3] (kF, kC, kE). A granularity
    /// missing from <paramref name="enabled"/> uses k = 0 (keeps everything) and passes no gradient to its multiplier.
    /// </summary>
    public static (Variable Masked, Variable MacFraction, GateMasking State) Apply(Variable x, Variable k, GateGeometry geometry, float temperature,
        MaskGranularity enabled = MaskGranularity.All)
    {
        var shape = x.Shape;
        int n = shape[0], frames = shape[1], pixels = shape[2] * shape[3], channels = shape[4];
        if (k.Shape != new Shape(n, 3)) throw new ArgumentException($"Gate multipliers must be [{n}, 3], got {k.Shape}.", nameof(k));
        using var dense = x.Value.Contiguous();
        using var kDense = k.Value.Contiguous();
        var xs = dense.Span;
        var ks = kDense.Span;
        int clip = frames * pixels * channels;
        var masks = new SampleMasks[n];
        var masked = Tensor.Uninitialized(shape);
        var fraction = Tensor.Uninitialized(new Shape(n));
        for (int s = 0; s < n; s++)
        {
            var m = masks[s] = new SampleMasks(frames, channels);
            var input = xs.Slice(s * clip, clip);
            m.Compute(input, frames, pixels, channels,
                IfEnabled(enabled, MaskGranularity.Frames, ks[3 * s]),
                IfEnabled(enabled, MaskGranularity.Channels, ks[3 * s + 1]),
                IfEnabled(enabled, MaskGranularity.Features, ks[3 * s + 2]));
            var output = masked.Span.Slice(s * clip, clip);
            for (int i = 0; i < clip; i++) output[i] = Kept(m, input[i], i, pixels * channels) ? input[i] : 0f;
            fraction.Span[s] = ExecutedFraction(geometry, output);
        }
        var saved = GraphScope.Track(x.Value.Contiguous());
        var state = new GateMasking(geometry, saved, masks, temperature, enabled);
        var maskedVar = Variable.FromOperation("dance_gate", masked, [x, k], g => state.BackwardMasked(g, x.RequiresGrad));
        var fractionVar = Variable.FromOperation("dance_gate_macs", fraction, [k], g => [state.BackwardCost(g)]);
        return (maskedVar, fractionVar, state);
    }

    /// <summary>
    /// The executed-MAC fraction of the gated conv on one masked clip [T, H, W, C]: every non-zero element (t, h, w, c)
    /// costs Cout * FanT[t] * FanH[h] * FanW[w] MACs, over the conv's executed MACs on a fully kept input.
    /// </summary>
    internal static float ExecutedFraction(GateGeometry geometry, ReadOnlySpan<float> maskedClip)
    {
        int channels = geometry.Conv.InChannels, rows = geometry.FanH.Length, columns = geometry.FanW.Length;
        int frameLength = rows * columns * channels;
        if (maskedClip.Length != geometry.FanT.Length * frameLength)
            throw new ArgumentException($"A masked clip of {maskedClip.Length} elements does not fit the gate's {geometry.FanT.Length}x{rows}x{columns}x{channels} input.");
        double macs = 0;
        for (int t = 0; t < geometry.FanT.Length; t++)
        {
            double frame = 0;
            for (int p = 0; p < rows * columns; p++)
            {
                int live = NonZero(maskedClip.Slice(t * frameLength + p * channels, channels));
                if (live > 0) frame += live * (double)PixelFan(geometry, p);
            }
            macs += frame * geometry.FanT[t];
        }
        return (float)(macs * geometry.Conv.OutChannels / geometry.DenseExecutedMacs);
    }

    private static int NonZero(ReadOnlySpan<float> values)
    {
        int count = 0;
        foreach (float v in values) if (v != 0f) count++;
        return count;
    }

    /// <summary>The value (a multiplier or its gradient) where the granularity is masked, 0 where it is disabled.</summary>
    private static float IfEnabled(MaskGranularity enabled, MaskGranularity granularity, float value) => (enabled & granularity) != 0 ? value : 0f;

    private static float PixelFan(GateGeometry g, int pixel) => g.FanH[pixel / g.FanW.Length] * g.FanW[pixel % g.FanW.Length];

    private Tensor?[] BackwardMasked(Tensor grad, bool inputNeedsGrad)
    {
        using var g = grad.Contiguous();
        var gs = g.Span;
        var xs = _x.Span;
        Tensor? dx = inputNeedsGrad ? Tensor.Uninitialized(_x.Shape) : null;
        var dk = Tensor.Zeros(new Shape(_masks.Length, 3));
        int clip = xs.Length / _masks.Length;
        for (int s = 0; s < _masks.Length; s++)
        {
            var m = _masks[s];
            var gClip = gs.Slice(s * clip, clip);
            var xClip = xs.Slice(s * clip, clip);
            if (dx is not null)
            {
                var d = dx.Span.Slice(s * clip, clip);
                int frameLength = clip / m.Frames.Length;
                for (int i = 0; i < clip; i++) d[i] = Kept(m, xClip[i], i, frameLength) ? gClip[i] : 0f;
            }
            // The mask multiplies x, so the loss moves by g * x per unit of mask.
            var perMask = new float[clip];
            for (int i = 0; i < clip; i++) perMask[i] = gClip[i] * xClip[i];
            MultiplierGradients(m, perMask, xClip, dk.Span.Slice(3 * s, 3));
        }
        return [dx, dk];
    }

    private Tensor BackwardCost(Tensor grad)
    {
        using var g = grad.Contiguous();
        var xs = _x.Span;
        var dk = Tensor.Zeros(new Shape(_masks.Length, 3));
        int clip = xs.Length / _masks.Length;
        double perMac = _geometry.Conv.OutChannels / _geometry.DenseExecutedMacs;
        int channels = _masks[0].Channels.Length, pixels = clip / channels / _masks[0].Frames.Length;
        for (int s = 0; s < _masks.Length; s++)
        {
            float upstream = g.Span[s];
            var xClip = xs.Slice(s * clip, clip);
            var perMask = new float[clip];
            for (int i = 0; i < clip; i++)
                perMask[i] = (float)(upstream * perMac * _geometry.FanT[i / (pixels * channels)] * PixelFan(_geometry, i / channels % pixels));
            MultiplierGradients(_masks[s], perMask, xClip, dk.Span.Slice(3 * s, 3));
        }
        return dk;
    }

    /// <summary>
    /// Given dL/dm for the combined mask of every element (zero-valued elements excluded: they never count), accumulates
    /// dL/dkF, dL/dkC, dL/dkE through the sigmoid surrogates of the three threshold tests.
    /// </summary>
    private void MultiplierGradients(SampleMasks m, ReadOnlySpan<float> lossPerMask, ReadOnlySpan<float> x, Span<float> dk)
    {
        int frames = m.Frames.Length, channels = m.Channels.Length;
        int frameLength = x.Length / frames;
        var perFrame = new double[frames];
        var perChannel = new double[channels];
        double feature = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] > 0f)) continue;
            int t = i / frameLength, c = i % channels;
            float u = lossPerMask[i];
            bool f = m.Frames[t], ch = m.Channels[c], e = m.KeepsFeature(x[i]);
            if (ch && e) perFrame[t] += u;
            if (f && e) perChannel[c] += u;
            if (f && ch) feature += u * SurrogateSlope(x[i], m.FeatureThreshold, m.FeatureScale);
        }
        double dkF = 0, dkC = 0;
        for (int t = 0; t < frames; t++) dkF += perFrame[t] * SurrogateSlope(m.FrameScores[t], m.FrameThreshold, m.FrameScale);
        for (int c = 0; c < channels; c++) dkC += perChannel[c] * SurrogateSlope(m.ChannelScores[c], m.ChannelThreshold, m.ChannelScale);
        // A disabled granularity's multiplier does not act, so it gets no gradient.
        dk[0] += IfEnabled(_enabled, MaskGranularity.Frames, (float)dkF);
        dk[1] += IfEnabled(_enabled, MaskGranularity.Channels, (float)dkC);
        dk[2] += IfEnabled(_enabled, MaskGranularity.Features, (float)feature);
    }

    /// <summary>d sigmoid((score - k * scale) / (T_s * scale)) / dk = -s (1 - s) / T_s.</summary>
    private double SurrogateSlope(float score, float threshold, float scale)
    {
        if (!(scale > 0f)) return 0;
        double s = 1 / (1 + Math.Exp(-(score - threshold) / (_temperature * scale)));
        return -s * (1 - s) / _temperature;
    }

    /// <summary>Whether element <paramref name="i"/> of a clip ([T, H, W, C] flattened) with value <paramref name="v"/> survives all three masks.</summary>
    private static bool Kept(SampleMasks m, float v, int i, int frameLength) =>
        m.Frames[i / frameLength] && m.Channels[i % m.Channels.Length] && m.KeepsFeature(v);
}
