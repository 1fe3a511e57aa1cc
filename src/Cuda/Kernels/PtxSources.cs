namespace NativeDance.Cuda.Kernels;

/// <summary>
/// The handwritten PTX modules of cuda-kernels/, embedded in this assembly as resources named
/// <c>cuda-kernels/&lt;module&gt;.ptx</c>.
/// </summary>
public static class PtxSources
{
    private const string Prefix = "cuda-kernels/";
    private const string Extension = ".ptx";

    /// <summary>The names of the embedded modules (file names without the extension), sorted.</summary>
    public static IReadOnlyList<string> Modules { get; } = typeof(PtxSources).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Extension, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^Extension.Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The PTX text of <paramref name="module"/>.</summary>
    /// <exception cref="ArgumentException">No module of that name is embedded (the message lists those that are).</exception>
    public static string Read(string module)
    {
        using var stream = typeof(PtxSources).Assembly.GetManifestResourceStream(Prefix + module + Extension)
            ?? throw new ArgumentException($"No PTX module '{module}' is embedded. Embedded modules: {string.Join(", ", Modules)}.", nameof(module));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
