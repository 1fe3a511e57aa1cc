using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>Per-channel standardisation: <c>(x - mean[c]) / std[c]</c>.</summary>
public sealed class Normalize : IClipTransform
{
    private readonly float[] _mean;
    private readonly float[] _inverseStd;

    /// <summary>Creates the transform; <paramref name="mean"/> and <paramref name="std"/> have one entry per channel.</summary>
    /// <exception cref="ArgumentException">The lengths differ or a std is not positive and finite.</exception>
    public Normalize(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"Need one mean and one std per channel; got {mean.Length} means and {std.Length} stds.");
        foreach (float s in std)
        {
            if (!(s > 0 && float.IsFinite(s))) throw new ArgumentException($"Standard deviations must be positive and finite; got [{string.Join(", ", std.ToArray())}].", nameof(std));
        }
        _mean = mean.ToArray();
        _inverseStd = new float[std.Length];
        for (int c = 0; c < std.Length; c++) _inverseStd[c] = 1f / std[c];
    }

    /// <summary>Kinetics-400 RGB statistics used by torchvision's video models (mean 0.43216, 0.394666, 0.37645; std 0.22803, 0.22145, 0.216989).</summary>
    public static Normalize Kinetics() => new([0.43216f, 0.394666f, 0.37645f], [0.22803f, 0.22145f, 0.216989f]);

    /// <inheritdoc />
    public bool MirrorsHorizontally => false;

    /// <inheritdoc />
    public ClipSpec OutputSpec(ClipSpec input)
    {
        if (input.Channels != _mean.Length)
            throw new ArgumentException($"Normalisation has statistics for {_mean.Length} channels; clips have {input.Channels}.");
        return input;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<float> source, ClipSpec sourceSpec, Span<float> destination, ref SeededRandom rng)
    {
        int channels = _mean.Length;
        int count = sourceSpec.ElementCount;
        for (int i = 0; i < count; i += channels)
        {
            for (int c = 0; c < channels; c++) destination[i + c] = (source[i + c] - _mean[c]) * _inverseStd[c];
        }
    }
}
