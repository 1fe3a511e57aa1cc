namespace NativeDance.Tensors.Serialization;

/// <summary>A checkpoint file is truncated, malformed, hostile or does not match what was asked of it. The message names the file and the fault.</summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with a description of the fault.</summary>
    public CheckpointFormatException(string path, string fault, Exception? inner = null)
        : base($"{path}: {fault}", inner)
    {
        Path = path;
    }

    /// <summary>The offending file.</summary>
    public string Path { get; }
}
