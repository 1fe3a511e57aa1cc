namespace NativeDance.Data.FashionMnist;

/// <summary>
/// Finds the Fashion-MNIST IDX files: an explicit directory, else the <c>NATIVEDANCE_FASHION_MNIST</c> environment
/// variable, else where Debian's <c>dataset-fashion-mnist</c> package installs them.
/// </summary>
public static class FashionMnistDirectory
{
    /// <summary>The environment variable that overrides the default directory.</summary>
    public const string EnvironmentVariable = "NATIVEDANCE_FASHION_MNIST";

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> puts the files.</summary>
    public const string DebianPackagePath = "/usr/share/datasets/fashion-mnist";

    /// <summary>The directory to read: <paramref name="directory"/> if given, else the environment variable, else <see cref="DebianPackagePath"/>.</summary>
    public static string Resolve(string? directory = null)
    {
        if (!string.IsNullOrWhiteSpace(directory)) return directory;
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DebianPackagePath : fromEnvironment;
    }

    /// <summary>
    /// The path of the file <paramref name="stem"/> (e.g. <c>train-images-idx3-ubyte</c>) in <paramref name="directory"/>,
    /// uncompressed or with <c>.gz</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither form exists; the message says how to install the files.</exception>
    public static string FindFile(string directory, string stem)
    {
        string plain = Path.Combine(directory, stem);
        if (File.Exists(plain)) return plain;
        string compressed = plain + ".gz";
        if (File.Exists(compressed)) return compressed;
        throw new FileNotFoundException(
            $"Fashion-MNIST file '{stem}' (or '{stem}.gz') was not found in '{directory}'. " +
            "Install Debian's package with `sudo apt-get install dataset-fashion-mnist` (it puts the IDX files in " +
            $"{DebianPackagePath}), or set {EnvironmentVariable} to a folder holding the four IDX files.",
            compressed);
    }
}
