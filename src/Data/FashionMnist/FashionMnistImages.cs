namespace NativeDance.Data.FashionMnist;

/// <summary>
/// One part of Fashion-MNIST in memory: greyscale images (row-major bytes, 0 = background) and their garment classes.
/// Immutable after loading, so any number of datasets and threads may share it.
/// </summary>
/// <example><code>var test = FashionMnistImages.Load(FashionMnistPart.Test); // 10,000 images of 28x28
/// string name = FashionMnistImages.ClassNames[test.Label(0)];</code></example>
public sealed class FashionMnistImages
{
    /// <summary>The ten garment classes, in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    private FashionMnistImages(FashionMnistPart part, byte[] pixels, byte[] labels, int count, int rows, int columns)
    {
        Part = part;
        _pixels = pixels;
        _labels = labels;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Which files these images came from.</summary>
    public FashionMnistPart Part { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Image height in pixels (28 for Fashion-MNIST).</summary>
    public int Rows { get; }

    /// <summary>Image width in pixels (28 for Fashion-MNIST).</summary>
    public int Columns { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row-major.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * Rows * Columns, Rows * Columns);
    }

    /// <summary>The class of image <paramref name="index"/>, in [0, 10).</summary>
    public int Label(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _labels[index];
    }

    /// <summary>
    /// Loads one part from <paramref name="directory"/> (see <see cref="FashionMnistDirectory.Resolve"/> for the default).
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install the package.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, the two files disagree, or a label is not a class.</exception>
    public static FashionMnistImages Load(FashionMnistPart part, string? directory = null)
    {
        string folder = FashionMnistDirectory.Resolve(directory);
        string prefix = part == FashionMnistPart.Train ? "train" : "t10k";
        string imagePath = FashionMnistDirectory.FindFile(folder, $"{prefix}-images-idx3-ubyte");
        string labelPath = FashionMnistDirectory.FindFile(folder, $"{prefix}-labels-idx1-ubyte");
        var images = IdxFile.Read(imagePath);
        var labels = IdxFile.Read(labelPath);

        if (images.Dimensions.Count != 3)
            throw new InvalidDataException($"{imagePath}: expected 3 dimensions [count, rows, columns], found [{string.Join(", ", images.Dimensions)}].");
        if (labels.Dimensions.Count != 1)
            throw new InvalidDataException($"{labelPath}: expected 1 dimension [count], found [{string.Join(", ", labels.Dimensions)}].");
        if (labels.Dimensions[0] != images.Dimensions[0])
            throw new InvalidDataException($"{labelPath} holds {labels.Dimensions[0]} labels but {imagePath} holds {images.Dimensions[0]} images.");
        int bad = Array.FindIndex(labels.Data, l => l >= ClassNames.Count);
        if (bad >= 0)
            throw new InvalidDataException($"{labelPath}: label {labels.Data[bad]} of item {bad} is not one of the {ClassNames.Count} classes.");
        return new FashionMnistImages(part, images.Data, labels.Data, images.Dimensions[0], images.Dimensions[1], images.Dimensions[2]);
    }
}
