using NativeDance.Tensors;

namespace NativeDance.Data.Procedural;

/// <summary>
/// The embedded default dataset: procedurally rendered clips of moving shapes whose class is the kind of motion
/// (<see cref="MotionClass"/>). Nothing is stored: clip i of a split is rendered from a seed derived from the
/// dataset seed, the split and i, so every run sees the same data, and classes are balanced (label = i mod classes).
/// </summary>
/// <example><code>var train = new ProceduralVideoDataset(DatasetSplit.Train, count: 2000, spec: new ClipSpec(16, 32, 32, 3), seed: 1);
/// var clip = new float[train.Spec.ElementCount];
/// int label = train.ReadClip(0, clip);</code></example>
public sealed class ProceduralVideoDataset : IClipDataset
{
    private static readonly string[] Names = Enum.GetNames<MotionClass>();
    private readonly ulong _seed;

    /// <summary>Creates a split of <paramref name="count"/> clips of size <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentException">The count is negative, the clip has fewer than 4 frames or 8 pixels a side, or not 3 channels.</exception>
    public ProceduralVideoDataset(DatasetSplit split, int count, ClipSpec spec, ulong seed)
    {
        if (count < 0) throw new ArgumentException($"Clip count must not be negative, got {count}.", nameof(count));
        if (spec.Frames < 4 || spec.Height < 8 || spec.Width < 8 || spec.Channels != 3)
            throw new ArgumentException($"Procedural clips need at least 4 frames, 8x8 pixels and 3 channels; got {spec}.", nameof(spec));
        Split = split;
        Count = count;
        Spec = spec;
        _seed = seed;
    }

    /// <inheritdoc />
    public string Name => "procedural";

    /// <inheritdoc />
    public DatasetSplit Split { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Names;

    /// <inheritdoc />
    public ClipSpec Spec { get; }

    /// <inheritdoc />
    public bool IsFlipInvariant => false;

    /// <inheritdoc />
    public int ReadClip(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if (destination.Length != Spec.ElementCount)
            throw new ArgumentException($"Destination holds {destination.Length} floats; a {Spec} clip needs {Spec.ElementCount}.", nameof(destination));
        var motion = (MotionClass)(index % Names.Length);
        var rng = new SeededRandom(ClipSeed(index));
        var scene = Scene.Sample(motion, Spec.Frames, ref rng);
        SceneRenderer.Render(scene, Spec, destination, ref rng);
        return (int)motion;
    }

    private ulong ClipSeed(int index) => _seed * 0x9E3779B97F4A7C15UL ^ ((ulong)Split << 40) ^ (ulong)index * 0xD1B54A32D192ED03UL;
}
