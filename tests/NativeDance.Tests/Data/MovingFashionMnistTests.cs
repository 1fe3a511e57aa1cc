using NativeDance.Data;
using NativeDance.Data.FashionMnist;
using NativeDance.Tensors;

namespace NativeDance.Tests.Data;

public sealed class MovingFashionMnistTests : IDisposable
{
    private const int Rows = 12, Cols = 10;
    private readonly TempDirectory _dir = new();
    private readonly byte[] _trainLabels;
    private readonly byte[] _testPixels;

    public MovingFashionMnistTests()
    {
        (_, _trainLabels) = IdxWriter.WriteFashionSet(_dir.Path, "train", 40, Rows, Cols, gzip: true);
        (_testPixels, _) = IdxWriter.WriteFashionSet(_dir.Path, "t10k", 10, Rows, Cols, gzip: false);
    }

    private static MovingFashionMnistOptions Options(GarmentColouring colouring = GarmentColouring.Grey, bool distractor = false) => new()
    {
        Spec = new ClipSpec(6, 20, 24, 3),
        ValidationFraction = 0.25,
        Colouring = colouring,
        Distractor = distractor,
        Seed = 3,
    };

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SplitsPartitionTheFilesAndLabelsFollowTheImages()
    {
        var train = MovingFashionMnistDataset.Load(DatasetSplit.Train, Options(), _dir.Path);
        var validation = MovingFashionMnistDataset.Load(DatasetSplit.Validation, Options(), _dir.Path);
        var test = MovingFashionMnistDataset.Load(DatasetSplit.Test, Options(), _dir.Path);
        var trainImages = Enumerable.Range(0, train.Count).Select(train.ImageIndex).ToArray();
        var validationImages = Enumerable.Range(0, validation.Count).Select(validation.ImageIndex).ToArray();

        Assert.Equal(30, train.Count);
        Assert.Equal(10, validation.Count);
        Assert.Equal(10, test.Count);
        Assert.Equal(Enumerable.Range(0, 40), trainImages.Concat(validationImages).Order());
        Assert.Equal(Enumerable.Range(0, 10), validationImages.Select(i => (int)_trainLabels[i]).Order()); // one per class
        Assert.True(train.IsFlipInvariant);
        Assert.Equal(10, train.ClassNames.Count);

        var clip = new float[train.Spec.ElementCount];
        for (int i = 0; i < train.Count; i++) Assert.Equal(_trainLabels[train.ImageIndex(i)], train.ReadClip(i, clip));
        for (int i = 0; i < test.Count; i++) Assert.Equal(i % 10, test.ReadClip(i, clip));
    }

    [Fact]
    public void ClipsAreDeterministicAndSeededReadsVaryOnlyForTraining()
    {
        var images = FashionMnistImages.Load(FashionMnistPart.Train, _dir.Path);
        var a = new MovingFashionMnistDataset(images, DatasetSplit.Train, Options());
        var b = new MovingFashionMnistDataset(images, DatasetSplit.Train, Options());
        var validation = new MovingFashionMnistDataset(images, DatasetSplit.Validation, Options());
        Assert.Equal(Read(a, 4), Read(b, 4));
        Assert.Equal(Read(a, 4, seed: 9), Read(b, 4, seed: 9));
        Assert.NotEqual(Read(a, 4, seed: 9), Read(a, 4, seed: 10));
        Assert.NotEqual(Read(a, 4), Read(new MovingFashionMnistDataset(images, DatasetSplit.Train, Options() with { Seed = 4 }), 4));
        Assert.Equal(Read(validation, 2), Read(validation, 2, seed: 9));
        var fixedTraining = new MovingFashionMnistDataset(images, DatasetSplit.Train, Options() with { FreshTrainingTrajectories = false });
        Assert.Equal(Read(fixedTraining, 4), Read(fixedTraining, 4, seed: 9));
    }

    [Fact]
    public void EveryFrameShowsTheWholeGarmentMovingInsideTheCanvas()
    {
        // Native size (the 12x10 garment fits the 20x24 canvas): bilinear sampling at sub-pixel offsets is a partition
        // of unity, so every frame holds exactly the image's total intensity, wherever the garment is.
        var test = MovingFashionMnistDataset.Load(DatasetSplit.Test, Options() with { GarmentSize = null, Spec = new ClipSpec(12, 20, 24, 3) }, _dir.Path);
        for (int i = 0; i < test.Count; i++)
        {
            var clip = Read(test, i);
            double imageMass = _testPixels.AsSpan(i * Rows * Cols, Rows * Cols).ToArray().Sum(p => p / 255.0);
            int frame = 20 * 24 * 3;
            for (int t = 0; t < 12; t++)
            {
                double mass = clip.AsSpan(t * frame, frame).ToArray().Sum(v => (double)v) / 3;
                Assert.Equal(imageMass, mass, 1e-3 * imageMass);
            }
            double motion = Enumerable.Range(0, frame).Sum(k => Math.Abs(clip[k] - clip[11 * frame + k]));
            Assert.True(motion > 1, $"clip {i} does not move");
        }
    }

    [Fact]
    public void GreyReplicatesChannelsAndTintScalesThemByOneColourPerClip()
    {
        var greyData = MovingFashionMnistDataset.Load(DatasetSplit.Test, Options(), _dir.Path);
        var tintedData = MovingFashionMnistDataset.Load(DatasetSplit.Test, Options(GarmentColouring.Tinted), _dir.Path);
        var colours = new List<(float, float, float)>();
        for (int i = 0; i < greyData.Count; i++)
        {
            var grey = Read(greyData, i);
            var tinted = Read(tintedData, i);
            int brightest = 0;
            for (int p = 0; p < grey.Length; p += 3)
            {
                Assert.Equal(grey[p], grey[p + 1]);
                Assert.Equal(grey[p], grey[p + 2]);
                Assert.Equal(grey[p], Math.Max(tinted[p], Math.Max(tinted[p + 1], tinted[p + 2])), 1e-5f); // same path, max channel 1
                if (grey[p] > grey[brightest]) brightest = p;
            }
            var colour = (tinted[brightest] / grey[brightest], tinted[brightest + 1] / grey[brightest], tinted[brightest + 2] / grey[brightest]);
            for (int p = 0; p < grey.Length; p += 3)
            {
                Assert.Equal(grey[p] * colour.Item1, tinted[p], 1e-5f);
                Assert.Equal(grey[p] * colour.Item2, tinted[p + 1], 1e-5f);
                Assert.Equal(grey[p] * colour.Item3, tinted[p + 2], 1e-5f);
            }
            colours.Add(colour);
            Assert.All(grey, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.True(colours.Distinct().Count() > 5, "tints do not vary between clips");
    }

    [Fact]
    public void DistractorAddsClutterButKeepsTheLabel()
    {
        var plain = MovingFashionMnistDataset.Load(DatasetSplit.Test, Options(), _dir.Path);
        var cluttered = MovingFashionMnistDataset.Load(DatasetSplit.Test, Options(distractor: true), _dir.Path);
        var a = new float[plain.Spec.ElementCount];
        var b = new float[plain.Spec.ElementCount];
        for (int i = 0; i < plain.Count; i++)
        {
            Assert.Equal(plain.ReadClip(i, a), cluttered.ReadClip(i, b));
            Assert.All(Enumerable.Range(0, a.Length), k => Assert.True(b[k] >= a[k])); // same garment path, sprites combine by max
            Assert.True(b.Sum() > a.Sum() + 1, $"clip {i}: the distractor added nothing");
        }
    }

    [Fact]
    public void SpriteAtAnIntegerPositionAndNativeSizeCopiesTheImageExactly()
    {
        var image = Enumerable.Range(0, Rows * Cols).Select(i => (byte)(255 - i * 2)).ToArray();
        var frame = new float[20 * 24 * 3];
        SpriteRenderer.Draw(frame, 20, 24, image, new SpriteRenderer.Patch(Rows, Cols, 0, 0, Rows, Cols), y: 5, x: 9,
            drawHeight: Rows, drawWidth: Cols, colour: [1f, 0.5f, 0.25f]);
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 24; x++)
            {
                bool inside = y >= 5 && y < 5 + Rows && x >= 9 && x < 9 + Cols;
                float expected = inside ? image[(y - 5) * Cols + x - 9] / 255f : 0f;
                Assert.Equal(expected, frame[(y * 24 + x) * 3], 1e-6f);
                Assert.Equal(expected * 0.5f, frame[(y * 24 + x) * 3 + 1], 1e-6f);
                Assert.Equal(expected * 0.25f, frame[(y * 24 + x) * 3 + 2], 1e-6f);
            }
        }
    }

    [Fact]
    public void ScaledSpriteMatchesANaiveBilinearSampler()
    {
        var image = Enumerable.Range(0, Rows * Cols).Select(i => (byte)(i * 37 % 256)).ToArray();
        var patch = new SpriteRenderer.Patch(Rows, Cols, 2, 1, 8, 7);
        var frame = new float[20 * 24];
        const float top = 3.3f, left = 6.75f;
        SpriteRenderer.Draw(frame, 20, 24, image, patch, top, left, drawHeight: 13, drawWidth: 9, colour: [1f]);
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 24; x++)
            {
                double v = (y + 0.5 - top) * 8 / 13 - 0.5, u = (x + 0.5 - left) * 7 / 9.0 - 0.5;
                int v0 = (int)Math.Floor(v), u0 = (int)Math.Floor(u);
                double fv = v - v0, fu = u - u0;
                double At(int r, int c) => r >= 0 && r < 8 && c >= 0 && c < 7 ? image[(2 + r) * Cols + 1 + c] / 255.0 : 0;
                bool covered = y >= 3 && y < 17 && x >= 6 && x < 16;
                double expected = covered
                    ? (1 - fv) * ((1 - fu) * At(v0, u0) + fu * At(v0, u0 + 1)) + fv * ((1 - fu) * At(v0 + 1, u0) + fu * At(v0 + 1, u0 + 1))
                    : 0;
                Assert.Equal(expected, frame[y * 24 + x], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(TrajectoryKind.Bounce)]
    [InlineData(TrajectoryKind.RandomWalk)]
    public void TrajectoriesStayInBoundsAndBounce(TrajectoryKind kind)
    {
        var rng = new SeededRandom(5);
        var path = Trajectory.Start(kind, maxY: 7, maxX: 11, minSpeed: 1.5f, maxSpeed: 2.5f, ref rng);
        int reversals = 0;
        float previousX = path.X, previousStep = 0;
        for (int t = 0; t < 400; t++)
        {
            path.Advance(ref rng);
            Assert.InRange(path.Y, 0f, 7f);
            Assert.InRange(path.X, 0f, 11f);
            float step = path.X - previousX;
            if (step * previousStep < 0) reversals++;
            previousStep = step;
            previousX = path.X;
        }
        Assert.True(reversals > 10, $"only {reversals} horizontal reversals in 400 frames");
    }

    [Fact]
    public void MissingFilesExplainHowToInstallThePackage()
    {
        using var empty = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => MovingFashionMnistDataset.Load(DatasetSplit.Train, Options(), empty.Path));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains(empty.Path, error.Message);
        Assert.Contains(FashionMnistDirectory.EnvironmentVariable, error.Message);
    }

    [Fact]
    public void DirectoryResolutionPrefersTheArgumentThenTheEnvironment()
    {
        Assert.Equal("/given", FashionMnistDirectory.Resolve("/given"));
        string? saved = Environment.GetEnvironmentVariable(FashionMnistDirectory.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(FashionMnistDirectory.EnvironmentVariable, _dir.Path);
            Assert.Equal(_dir.Path, FashionMnistDirectory.Resolve());
            Assert.Equal(10, FashionMnistImages.Load(FashionMnistPart.Test).Count);
            Environment.SetEnvironmentVariable(FashionMnistDirectory.EnvironmentVariable, null);
            Assert.Equal(FashionMnistDirectory.DebianPackagePath, FashionMnistDirectory.Resolve());
        }
        finally
        {
            Environment.SetEnvironmentVariable(FashionMnistDirectory.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void InconsistentFilesAndBadArgumentsAreRejected()
    {
        using var bad = new TempDirectory();
        IdxWriter.Write(Path.Combine(bad.Path, "t10k-images-idx3-ubyte"), IdxWriter.Encode([3, 4, 4], new byte[48]), gzip: false);
        IdxWriter.Write(Path.Combine(bad.Path, "t10k-labels-idx1-ubyte"), IdxWriter.Encode([2], [1, 2]), gzip: false);
        Assert.Contains("2 labels", Assert.Throws<InvalidDataException>(() => FashionMnistImages.Load(FashionMnistPart.Test, bad.Path)).Message);
        IdxWriter.Write(Path.Combine(bad.Path, "t10k-labels-idx1-ubyte"), IdxWriter.Encode([3], [1, 12, 2]), gzip: false);
        Assert.Contains("label 12", Assert.Throws<InvalidDataException>(() => FashionMnistImages.Load(FashionMnistPart.Test, bad.Path)).Message);

        var test = FashionMnistImages.Load(FashionMnistPart.Test, _dir.Path);
        Assert.Throws<ArgumentException>(() => new MovingFashionMnistDataset(test, DatasetSplit.Train, Options()));
        Assert.Throws<ArgumentException>(() => new MovingFashionMnistDataset(test, DatasetSplit.Test, Options() with { GarmentSize = 30 }));
        Assert.Throws<ArgumentException>(() => new MovingFashionMnistDataset(test, DatasetSplit.Test, Options() with { Spec = new ClipSpec(4, 20, 20, 1), Colouring = GarmentColouring.Tinted }));
        Assert.Throws<ArgumentException>(() => new MovingFashionMnistDataset(test, DatasetSplit.Test, Options() with { MinSpeed = 3, MaxSpeed = 1 }));
        var ds = new MovingFashionMnistDataset(test, DatasetSplit.Test, Options());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.ReadClip(10, new float[ds.Spec.ElementCount]));
        Assert.Throws<ArgumentException>(() => ds.ReadClip(0, new float[5]));
    }

    [Fact]
    public void RealPackageFilesLoadWhenInstalled()
    {
        string directory = FashionMnistDirectory.Resolve();
        Assert.SkipUnless(File.Exists(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(directory, "t10k-images-idx3-ubyte")),
            $"Fashion-MNIST is not installed in {directory} (sudo apt-get install dataset-fashion-mnist)");
        var images = FashionMnistImages.Load(FashionMnistPart.Test, directory);
        Assert.Equal((10000, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, Enumerable.Range(0, images.Count).Count(i => images.Label(i) == c)));
        var test = new MovingFashionMnistDataset(images, DatasetSplit.Test, new MovingFashionMnistOptions { Spec = new ClipSpec(8, 32, 32, 3), GarmentSize = 24 });
        var clip = Read(test, 0);
        Assert.Equal(images.Label(0), test.ReadClip(0, clip));
        Assert.InRange(clip.Max(), 0.5f, 1f);
    }

    private static float[] Read(IClipDataset ds, int index, ulong? seed = null)
    {
        var clip = new float[ds.Spec.ElementCount];
        if (seed is ulong s) ((ISeededClipDataset)ds).ReadClip(index, s, clip);
        else ds.ReadClip(index, clip);
        return clip;
    }
}
