using NativeDance.Pruning.Dance;
using NativeDance.Tensors;
using NativeDance.Tests.Autograd;

namespace NativeDance.Tests.Pruning;

public class ActivationVariabilityTests
{
    private static readonly Shape X = new(2, 3, 2, 2, 4); // N, T, H, W, C

    [Fact]
    public void ElementChannelAndFrameCv2MatchTheirDefinitionsAndGradients()
    {
        Func<int, int, float> positive = (_, i) => 0.2f + ((i * 37) % 23) * 0.1f;
        GradientCheck.Run("cv2_elements", v => ActivationVariability.Elements(v[0]), x => PerClip(x[0], (n, get) => Cv2(Enumerable.Range(0, 48).Select(i => get(i)))), [X], sample: positive, forwardTolerance: 1e-9);
        GradientCheck.Run("cv2_channels", v => ActivationVariability.Channels(v[0]), x => PerClip(x[0], (n, get) =>
            Cv2(Enumerable.Range(0, 4).Select(c => Enumerable.Range(0, 12).Average(p => get(p * 4 + c))))), [X], sample: positive, forwardTolerance: 1e-9);
        GradientCheck.Run("cv2_frames", v => ActivationVariability.Frames(v[0]), x => PerClip(x[0], (n, get) =>
            Cv2(Enumerable.Range(0, 3).Select(t => Enumerable.Range(0, 16).Average(i => get(t * 16 + i))))), [X], sample: positive, forwardTolerance: 1e-9);
    }

    [Fact]
    public void Cv2IsScaleInvariant()
    {
        using var x = Tensor.RandomUniform(X, seed: 1, 0.1f, 2f);
        using var scaled = x * 7.5f;
        var a = ActivationVariability.Elements(NativeDance.Autograd.Variable.Constant(x)).Value.ToArray();
        var b = ActivationVariability.Elements(NativeDance.Autograd.Variable.Constant(scaled)).Value.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
    }

    private static double[] PerClip(double[] x, Func<int, Func<int, double>, double> f) =>
        Enumerable.Range(0, 2).Select(n => f(n, i => x[n * 48 + i])).ToArray();

    private static double Cv2(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        return v.Select(a => (a - mean) * (a - mean)).Average() / (mean * mean + 1e-12);
    }
}
