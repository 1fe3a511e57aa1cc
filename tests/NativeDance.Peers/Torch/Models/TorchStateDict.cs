using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NativeDance.Peers.Torch.Models;

/// <summary>
/// The state of a libtorch twin network: every tensor of a PyTorch state dict by name, trainable ones as leaf
/// <see cref="Parameter"/>s (in the layout's order, for torch.optim), buffers as plain tensors updated in place.
/// It is built only against an explicit layout, so loading proves that a file has exactly PyTorch's names and shapes.
/// </summary>
public sealed class TorchStateDict : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> _tensors;

    private TorchStateDict(IReadOnlyList<StateEntry> layout, Dictionary<string, torch.Tensor> tensors)
    {
        Layout = layout;
        _tensors = tensors;
        Parameters = layout.Where(e => e.IsParameter).Select(e => (Parameter)tensors[e.Name]).ToArray();
    }

    /// <summary>Names, shapes and roles of the tensors, in order.</summary>
    public IReadOnlyList<StateEntry> Layout { get; }

    /// <summary>The trainable tensors in layout order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The floating-point type of parameters and running statistics.</summary>
    public ScalarType DType => Parameters[0].dtype;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layout has no such tensor.</exception>
    public torch.Tensor this[string name] => _tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"The state dict has no tensor '{name}'.");

    /// <summary>
    /// Loads a safetensors checkpoint (read by <see cref="TorchSafeTensors"/>), requiring exactly the layout's names and
    /// shapes; floating-point tensors are converted to <paramref name="dtype"/>, counters stay int64.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is missing, unexpected, or of the wrong shape or type; the message lists them.</exception>
    public static TorchStateDict Load(string path, IReadOnlyList<StateEntry> layout, ScalarType dtype)
    {
        var stored = TorchSafeTensors.Read(path);
        try
        {
            var problems = new List<string>();
            foreach (var e in layout)
            {
                if (!stored.TryGetValue(e.Name, out var t)) problems.Add($"missing '{e.Name}'");
                else if (!t.shape.SequenceEqual(e.Shape)) problems.Add($"'{e.Name}' is [{string.Join(", ", t.shape)}], PyTorch needs [{string.Join(", ", e.Shape)}]");
                else if ((e.Kind == StateKind.Counter) != (t.dtype == ScalarType.Int64)) problems.Add($"'{e.Name}' is {t.dtype}");
            }
            var known = layout.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(stored.Keys.Where(n => !known.Contains(n)).Select(n => $"unexpected '{n}'"));
            if (problems.Count > 0) throw new InvalidDataException($"{path} is not the expected PyTorch state dict: {string.Join("; ", problems)}.");
            return new TorchStateDict(layout, layout.ToDictionary(e => e.Name, e => Adopt(e, stored[e.Name], dtype), StringComparer.Ordinal));
        }
        finally
        {
            foreach (var t in stored.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Fresh random state from libtorch's generator (seeded): weights N(0, 1 / fan-in), scales U(0.5, 1.5), shifts and
    /// running means small, running variances U(0.5, 1.5), counters 7. Not PyTorch's initialisers: every tensor gets
    /// values that no default could produce, so a loader that skipped one would be caught.
    /// </summary>
    public static TorchStateDict Initialize(IReadOnlyList<StateEntry> layout, ScalarType dtype, long seed)
    {
        LibTorch.EnsureLoaded();
        torch.manual_seed(seed);
        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var e in layout)
        {
            using var value = e.Kind switch
            {
                StateKind.Weight => torch.randn(e.Shape, dtype) / Math.Sqrt(e.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)),
                StateKind.Scale or StateKind.RunningVariance => torch.rand(e.Shape, dtype) + 0.5,
                StateKind.Shift or StateKind.RunningMean => torch.randn(e.Shape, dtype) * 0.1,
                _ => torch.tensor(7L),
            };
            tensors[e.Name] = Adopt(e, value, dtype);
        }
        return new TorchStateDict(layout, tensors);
    }

    /// <summary>Writes the state as a safetensors checkpoint (floats as F32, counters as I64) in layout order.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        TorchSafeTensors.Write(path, Layout.Select(e => (e.Name, _tensors[e.Name])), metadata);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }

    // A copy owned by the state dict: trainable entries become leaf Parameters, buffers plain tensors.
    private static torch.Tensor Adopt(StateEntry entry, torch.Tensor value, ScalarType dtype)
    {
        if (entry.Kind == StateKind.Counter) return value.to(ScalarType.Int64, copy: true);
        var copy = value.detach().to(dtype, copy: true);
        return entry.IsParameter ? new Parameter(copy, requires_grad: true) : copy;
    }
}
