namespace NativeDance.Data;

/// <summary>
/// A dataset whose training clips may differ from read to read (a random temporal window, a fresh trajectory):
/// the caller supplies the randomness as a seed, so a loader that derives it from (its seed, epoch, position)
/// sees new samples every epoch and still reproduces any epoch exactly. Validation and test clips ignore the seed.
/// </summary>
public interface ISeededClipDataset : IClipDataset
{
    /// <summary>
    /// Writes a sample of clip <paramref name="index"/> drawn with <paramref name="sampleSeed"/> into
    /// <paramref name="destination"/> ([T, H, W, C]) and returns its label.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, Count).</exception>
    /// <exception cref="ArgumentException">The destination is not exactly <see cref="ClipSpec.ElementCount"/> long.</exception>
    int ReadClip(int index, ulong sampleSeed, Span<float> destination);
}
