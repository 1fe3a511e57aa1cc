namespace NativeDance.Tensors.Conv;

/// <summary>
/// The work one convolution call did: multiply-adds and the bytes of activations and weights it read and of
/// outputs it wrote. <see cref="GatedConv3d"/> and <see cref="SparseInputConv3d"/> fill it; <see cref="GatedConvCost"/>
/// computes the same figures analytically from the masks.
/// </summary>
/// <example><code>GatedConv3d.Forward(g, x, w, b, y, mask, out var work);
/// Console.WriteLine($"{work.Macs / (double)g.DenseMacs:P0} of the dense MACs");</code></example>
public struct ConvWorkCounters : IEquatable<ConvWorkCounters>
{
    /// <summary>Multiply-adds executed (one per output element per input element it accumulates).</summary>
    public long Macs;

    /// <summary>Bytes of activations read: the input tensor, plus any compacted copy of it the kernel reads back.</summary>
    public long ActivationBytesRead;

    /// <summary>Bytes of weights read.</summary>
    public long WeightBytesRead;

    /// <summary>Bytes of output written.</summary>
    public long OutputBytesWritten;

    /// <summary>Bytes moved in all: activations and weights read plus outputs written.</summary>
    public readonly long TotalBytes => ActivationBytesRead + WeightBytesRead + OutputBytesWritten;

    /// <summary>Field-wise sum, for totals over layers or clips.</summary>
    public static ConvWorkCounters operator +(ConvWorkCounters a, ConvWorkCounters b) => new()
    {
        Macs = a.Macs + b.Macs,
        ActivationBytesRead = a.ActivationBytesRead + b.ActivationBytesRead,
        WeightBytesRead = a.WeightBytesRead + b.WeightBytesRead,
        OutputBytesWritten = a.OutputBytesWritten + b.OutputBytesWritten,
    };

    /// <summary>Field-wise equality.</summary>
    public static bool operator ==(ConvWorkCounters a, ConvWorkCounters b) => a.Equals(b);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(ConvWorkCounters a, ConvWorkCounters b) => !a.Equals(b);

    /// <summary>Field-wise equality.</summary>
    public readonly bool Equals(ConvWorkCounters other) =>
        Macs == other.Macs && ActivationBytesRead == other.ActivationBytesRead
        && WeightBytesRead == other.WeightBytesRead && OutputBytesWritten == other.OutputBytesWritten;

    /// <summary>Field-wise equality.</summary>
    public override readonly bool Equals(object? obj) => obj is ConvWorkCounters other && Equals(other);

    /// <summary>Hash of all four fields.</summary>
    public override readonly int GetHashCode() => HashCode.Combine(Macs, ActivationBytesRead, WeightBytesRead, OutputBytesWritten);

    /// <summary>One line with all four figures.</summary>
    public override readonly string ToString() =>
        $"MACs {Macs}, activations read {ActivationBytesRead} B, weights read {WeightBytesRead} B, outputs written {OutputBytesWritten} B";
}
