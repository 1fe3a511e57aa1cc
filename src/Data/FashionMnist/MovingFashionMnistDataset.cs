using NativeDance.Tensors;

namespace NativeDance.Data.FashionMnist;

/// <summary>
/// Moving Fashion-MNIST: real Fashion-MNIST garments moving over a black canvas along deterministic per-clip
/// trajectories, labelled by garment class. Clip i of a split shows image i of that split (training and validation
/// share the training file, split per class by <see cref="MovingFashionMnistOptions.ValidationFraction"/>; test uses
/// the test file). Garment classes do not depend on direction, so the dataset is flip invariant.
/// </summary>
/// <example><code>var train = MovingFashionMnistDataset.Load(DatasetSplit.Train, new MovingFashionMnistOptions { Spec = new ClipSpec(16, 32, 32, 3), GarmentSize = 20 });
/// var clip = new float[train.Spec.ElementCount];
/// int garment = train.ReadClip(0, clip);</code></example>
public sealed class MovingFashionMnistDataset : ISeededClipDataset
{
    private const ulong HoldOutSalt = 0x5EED_0F_4A11UL;
    private readonly FashionMnistImages _images;
    private readonly MovingFashionMnistOptions _options;
    private readonly int[] _imageIndices;
    private readonly (int Height, int Width) _garment;

    /// <summary>Creates a split over already loaded images: the training part for Train and Validation, the test part for Test.</summary>
    /// <exception cref="ArgumentException">The images are the wrong part for the split, or the options are invalid.</exception>
    public MovingFashionMnistDataset(FashionMnistImages images, DatasetSplit split, MovingFashionMnistOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        _options = options ?? new MovingFashionMnistOptions();
        _options.Validate(images.Rows, images.Columns);
        var expectedPart = split == DatasetSplit.Test ? FashionMnistPart.Test : FashionMnistPart.Train;
        if (images.Part != expectedPart)
            throw new ArgumentException($"The {split} split is drawn from the {expectedPart} files, but {images.Part} images were given.", nameof(images));
        _images = images;
        Split = split;
        _garment = _options.GarmentExtent(images.Rows, images.Columns);
        _imageIndices = split == DatasetSplit.Test ? Enumerable.Range(0, images.Count).ToArray() : HeldOut(images, split, _options);
    }

    /// <summary>Loads the files for <paramref name="split"/> (see <see cref="FashionMnistDirectory.Resolve"/>) and creates the split.</summary>
    /// <exception cref="FileNotFoundException">The files are missing; the message says how to install them.</exception>
    public static MovingFashionMnistDataset Load(DatasetSplit split, MovingFashionMnistOptions? options = null, string? directory = null) =>
        new(FashionMnistImages.Load(split == DatasetSplit.Test ? FashionMnistPart.Test : FashionMnistPart.Train, directory), split, options);

    /// <inheritdoc />
    public string Name => "moving-fashion-mnist";

    /// <inheritdoc />
    public DatasetSplit Split { get; }

    /// <inheritdoc />
    public int Count => _imageIndices.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => FashionMnistImages.ClassNames;

    /// <inheritdoc />
    public ClipSpec Spec => _options.Spec;

    /// <inheritdoc />
    public bool IsFlipInvariant => true;

    /// <summary>The index, in its Fashion-MNIST file, of the image clip <paramref name="index"/> shows.</summary>
    public int ImageIndex(int index) => _imageIndices[index];

    /// <inheritdoc />
    public int ReadClip(int index, Span<float> destination)
    {
        Validate(index, destination);
        return Render(index, SeedMixer.Mix(_options.Seed, (ulong)Split, (ulong)index), destination);
    }

    /// <inheritdoc />
    public int ReadClip(int index, ulong sampleSeed, Span<float> destination)
    {
        if (Split != DatasetSplit.Train || !_options.FreshTrainingTrajectories) return ReadClip(index, destination);
        Validate(index, destination);
        return Render(index, SeedMixer.Mix(sampleSeed, (ulong)index), destination);
    }

    private int Render(int index, ulong seed, Span<float> destination)
    {
        var spec = Spec;
        int imageIndex = _imageIndices[index];
        destination.Clear();

        // Separate generators, so the garment's path does not change when tinting or a distractor is switched on.
        var motion = new SeededRandom(SeedMixer.Mix(seed, 0));
        var colours = new SeededRandom(SeedMixer.Mix(seed, 1));
        var clutter = new SeededRandom(SeedMixer.Mix(seed, 2));

        Span<float> garmentColour = stackalloc float[spec.Channels];
        PickColour(garmentColour, ref colours);
        var image = _images.Image(imageIndex);
        var garment = new SpriteRenderer.Patch(_images.Rows, _images.Columns, 0, 0, _images.Rows, _images.Columns);
        var garmentPath = StartTrajectory(_garment, ref motion);

        // The distractor: a quarter of another image of this split, drawn at half the garment's size.
        var distractorExtent = (Height: Math.Max(2, _garment.Height / 2), Width: Math.Max(2, _garment.Width / 2));
        Span<float> distractorColour = stackalloc float[spec.Channels];
        var distractorImage = ReadOnlySpan<byte>.Empty;
        var distractor = default(SpriteRenderer.Patch);
        var distractorPath = default(Trajectory);
        if (_options.Distractor)
        {
            PickColour(distractorColour, ref colours);
            distractorImage = _images.Image(_imageIndices[clutter.NextInt(_imageIndices.Length)]);
            int rows = Math.Max(1, _images.Rows / 2), cols = Math.Max(1, _images.Columns / 2);
            distractor = new SpriteRenderer.Patch(_images.Rows, _images.Columns,
                clutter.NextInt(_images.Rows - rows + 1), clutter.NextInt(_images.Columns - cols + 1), rows, cols);
            distractorPath = StartTrajectory(distractorExtent, ref clutter);
        }

        int frameLength = spec.Height * spec.Width * spec.Channels;
        for (int t = 0; t < spec.Frames; t++)
        {
            var frame = destination.Slice(t * frameLength, frameLength);
            SpriteRenderer.Draw(frame, spec.Height, spec.Width, image, garment, garmentPath.Y, garmentPath.X, _garment.Height, _garment.Width, garmentColour);
            garmentPath.Advance(ref motion);
            if (!_options.Distractor) continue;
            SpriteRenderer.Draw(frame, spec.Height, spec.Width, distractorImage, distractor, distractorPath.Y, distractorPath.X,
                distractorExtent.Height, distractorExtent.Width, distractorColour);
            distractorPath.Advance(ref clutter);
        }
        return _images.Label(imageIndex);
    }

    private Trajectory StartTrajectory((int Height, int Width) extent, ref SeededRandom rng) =>
        Trajectory.Start(_options.Trajectory, Spec.Height - extent.Height, Spec.Width - extent.Width, _options.MinSpeed, _options.MaxSpeed, ref rng);

    /// <summary>Ones for grey; otherwise a random colour whose brightest channel is 1, so tinting never dims the whole garment.</summary>
    private void PickColour(Span<float> colour, ref SeededRandom rng)
    {
        if (_options.Colouring == GarmentColouring.Grey)
        {
            colour.Fill(1f);
            return;
        }
        float max = 0;
        for (int c = 0; c < colour.Length; c++)
        {
            colour[c] = 0.2f + 0.8f * rng.NextSingle();
            max = Math.Max(max, colour[c]);
        }
        for (int c = 0; c < colour.Length; c++) colour[c] /= max;
    }

    private void Validate(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if (destination.Length != Spec.ElementCount)
            throw new ArgumentException($"Destination holds {destination.Length} floats; a {Spec} clip needs {Spec.ElementCount}.", nameof(destination));
    }

    private static int[] HeldOut(FashionMnistImages images, DatasetSplit split, MovingFashionMnistOptions options)
    {
        var labels = new int[images.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = images.Label(i);
        var (train, validation) = ValidationHoldOut.Split(labels, groups: null, options.ValidationFraction, HoldOutSalt);
        return split == DatasetSplit.Train ? train : validation;
    }
}
