namespace NativeDance.Data;

/// <summary>Which part of a dataset: training, validation (for calibration and model selection) or test (reporting only).</summary>
public enum DatasetSplit
{
    /// <summary>Clips to train on.</summary>
    Train,
    /// <summary>Clips for model selection and calibration; never trained on.</summary>
    Validation,
    /// <summary>Clips for the reported accuracy only.</summary>
    Test,
}

/// <summary>The size of the clips a dataset produces, channels-last: [Frames, Height, Width, Channels].</summary>
/// <param name="Frames">T.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="Channels">C (3 for RGB).</param>
public readonly record struct ClipSpec(int Frames, int Height, int Width, int Channels)
{
    /// <summary>Floats in one clip.</summary>
    public int ElementCount => Frames * Height * Width * Channels;

    /// <summary>Formats as <c>TxHxWxC</c>.</summary>
    public override string ToString() => $"{Frames}x{Height}x{Width}x{Channels}";
}

/// <summary>
/// A labelled set of video clips in one split. Clips are channels-last floats in [0, 1] (before normalisation);
/// reading a clip is thread-safe so loaders may prefetch in the background.
/// </summary>
public interface IClipDataset
{
    /// <summary>Human-readable dataset name.</summary>
    string Name { get; }

    /// <summary>The split these clips belong to.</summary>
    DatasetSplit Split { get; }

    /// <summary>Number of clips.</summary>
    int Count { get; }

    /// <summary>Class names; labels index this list.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Size of every clip.</summary>
    ClipSpec Spec { get; }

    /// <summary>Whether mirroring a clip left-right keeps its label (false when classes encode direction).</summary>
    bool IsFlipInvariant { get; }

    /// <summary>Writes clip <paramref name="index"/> into <paramref name="destination"/> ([T, H, W, C]) and returns its label.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, Count).</exception>
    /// <exception cref="ArgumentException">The destination is not exactly <see cref="ClipSpec.ElementCount"/> long.</exception>
    int ReadClip(int index, Span<float> destination);
}
