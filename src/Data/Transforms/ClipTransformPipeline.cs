using NativeDance.Tensors;

namespace NativeDance.Data.Transforms;

/// <summary>
/// A fixed sequence of clip transforms for clips of one input size. The sizes of all stages are checked when the
/// pipeline is built; <see cref="Apply"/> is deterministic given its seed and allocates nothing.
/// </summary>
/// <example><code>var pipeline = ClipTransformPipeline.Standard(dataset, 112, 112, training: true, Normalize.Kinetics());
/// using var workspace = pipeline.CreateWorkspace();
/// int label = dataset.ReadClip(0, workspace.Input);
/// pipeline.Apply(workspace, output, seed: 42);   // output: [16, 112, 112, 3]</code></example>
public sealed class ClipTransformPipeline
{
    private readonly IClipTransform[] _transforms;
    private readonly ClipSpec[] _specs;
    private readonly int _bufferLength;

    /// <summary>Creates a pipeline for clips of <paramref name="inputSpec"/>.</summary>
    /// <param name="inputSpec">Size of the clips fed in.</param>
    /// <param name="flipInvariant">Whether the labels survive mirroring; a mirroring transform is refused otherwise.</param>
    /// <param name="transforms">The stages, applied in order.</param>
    /// <exception cref="ArgumentException">A stage does not fit its input, or a flip is used on a direction-sensitive dataset.</exception>
    public ClipTransformPipeline(ClipSpec inputSpec, bool flipInvariant, params IReadOnlyList<IClipTransform> transforms)
    {
        _transforms = transforms.ToArray();
        _specs = new ClipSpec[_transforms.Length + 1];
        _specs[0] = inputSpec;
        for (int i = 0; i < _transforms.Length; i++)
        {
            if (_transforms[i].MirrorsHorizontally && !flipInvariant)
                throw new ArgumentException($"Stage {i} ({_transforms[i].GetType().Name}) mirrors clips, but this dataset's labels depend on direction.", nameof(transforms));
            _specs[i + 1] = _transforms[i].OutputSpec(_specs[i]);
        }
        _bufferLength = _specs.Max(s => s.ElementCount);
    }

    /// <summary>Creates a pipeline for the clips of <paramref name="dataset"/>, honouring its flip invariance.</summary>
    public ClipTransformPipeline(IClipDataset dataset, params IReadOnlyList<IClipTransform> transforms)
        : this(dataset.Spec, dataset.IsFlipInvariant, transforms)
    {
    }

    /// <summary>
    /// The usual video preprocessing to <paramref name="height"/> x <paramref name="width"/>: a random crop and (where the
    /// dataset allows) a horizontal flip for training, a centre crop otherwise, then <paramref name="normalize"/> if given.
    /// Frames smaller than the crop are resized up first.
    /// </summary>
    public static ClipTransformPipeline Standard(IClipDataset dataset, int height, int width, bool training, Normalize? normalize = null)
    {
        var stages = new List<IClipTransform>();
        var spec = dataset.Spec;
        if (spec.Height < height || spec.Width < width)
        {
            double scale = Math.Max((double)height / spec.Height, (double)width / spec.Width);
            stages.Add(new Resize(Math.Max(height, (int)Math.Ceiling(spec.Height * scale)), Math.Max(width, (int)Math.Ceiling(spec.Width * scale))));
        }
        stages.Add(new Crop(height, width, training ? CropPosition.Random : CropPosition.Centre));
        if (training && dataset.IsFlipInvariant) stages.Add(new HorizontalFlip());
        if (normalize is not null) stages.Add(normalize);
        return new ClipTransformPipeline(dataset, stages);
    }

    /// <summary>Size of the clips fed in.</summary>
    public ClipSpec InputSpec => _specs[0];

    /// <summary>Size of the clips produced.</summary>
    public ClipSpec OutputSpec => _specs[^1];

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<IClipTransform> Transforms => _transforms;

    /// <summary>A workspace sized for this pipeline; use one per thread.</summary>
    public ClipWorkspace CreateWorkspace() => new(InputSpec.ElementCount, _bufferLength);

    /// <summary>
    /// Transforms the clip in <paramref name="workspace"/>.<see cref="ClipWorkspace.Input"/> into <paramref name="destination"/>
    /// (exactly <see cref="OutputSpec"/> long), drawing all randomness from <paramref name="seed"/>. The workspace input is overwritten.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace or destination has the wrong size.</exception>
    public void Apply(ClipWorkspace workspace, Span<float> destination, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace.Input.Length != InputSpec.ElementCount || workspace.BufferLength < _bufferLength)
            throw new ArgumentException($"The workspace was made for clips of {workspace.Input.Length} floats; this pipeline takes {InputSpec}.", nameof(workspace));
        if (destination.Length != OutputSpec.ElementCount)
            throw new ArgumentException($"Destination holds {destination.Length} floats; a {OutputSpec} clip needs {OutputSpec.ElementCount}.", nameof(destination));
        if (_transforms.Length == 0)
        {
            workspace.Input.CopyTo(destination);
            return;
        }
        var rng = new SeededRandom(seed);
        Span<float> current = workspace.First, spare = workspace.Second;
        for (int i = 0; i < _transforms.Length; i++)
        {
            bool last = i == _transforms.Length - 1;
            var output = last ? destination : spare[.._specs[i + 1].ElementCount];
            _transforms[i].Apply(current[.._specs[i].ElementCount], _specs[i], output, ref rng);
            if (!last)
            {
                var used = current;
                current = spare;
                spare = used;
            }
        }
    }
}
