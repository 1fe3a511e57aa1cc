using NativeDance.PtxInterpreter.Parsing;

namespace NativeDance.PtxInterpreter;

/// <summary>
/// A parsed PTX module: its entries decoded once into compact instruction arrays.
/// <code>
/// var module = PtxModule.Parse(File.ReadAllText("saxpy.ptx"), "saxpy");
/// var kernel = module.Kernel("saxpy");
/// </code>
/// </summary>
public sealed class PtxModule
{
    private readonly Dictionary<string, PtxKernel> _kernels;

    private PtxModule(string name, List<PtxKernel> kernels)
    {
        Name = name;
        Entries = kernels.Select(k => k.Name).ToArray();
        _kernels = kernels.ToDictionary(k => k.Name);
    }

    /// <summary>Module name used in error messages.</summary>
    public string Name { get; }

    /// <summary>Entry names in declaration order.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>Parses <paramref name="ptx"/>; throws <see cref="PtxParseException"/> naming the line of anything outside the dialect.</summary>
    /// <param name="ptx">PTX source text.</param>
    /// <param name="moduleName">Name for error messages (e.g. the file name).</param>
    public static PtxModule Parse(string ptx, string moduleName)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        ArgumentException.ThrowIfNullOrEmpty(moduleName);
        return new PtxModule(moduleName, ModuleParser.Parse(ptx, moduleName).Select(p => new PtxKernel(p)).ToList());
    }

    /// <summary>The entry named <paramref name="entry"/>; ArgumentException listing the entries when there is none.</summary>
    public PtxKernel Kernel(string entry) =>
        _kernels.TryGetValue(entry, out var kernel)
            ? kernel
            : throw new ArgumentException($"module '{Name}' has no entry '{entry}'; its entries: {string.Join(", ", Entries)}", nameof(entry));
}
