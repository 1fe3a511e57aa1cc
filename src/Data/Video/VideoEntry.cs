namespace NativeDance.Data.Video;

/// <summary>One video of a split list: its path relative to the dataset root (<c>Class/video.avi</c>, '/'-separated) and its class.</summary>
/// <param name="RelativePath">Path under the dataset root, as the split file writes it.</param>
/// <param name="Label">Index into the list's class names.</param>
public readonly record struct VideoEntry(string RelativePath, int Label);
