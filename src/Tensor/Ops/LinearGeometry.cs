namespace NativeDance.Tensors.Ops;

/// <summary>
/// The validated shape of a fully connected layer in PyTorch's layout: input [B, in], weight [out, in], bias [out],
/// output [B, out].
/// </summary>
/// <example><code>var g = LinearGeometry.Create(batch: 32, inFeatures: 512, outFeatures: 101);</code></example>
public readonly record struct LinearGeometry
{
    private LinearGeometry(int batch, int inFeatures, int outFeatures)
    {
        Batch = batch;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Rows of the input and output (B).</summary>
    public int Batch { get; }

    /// <summary>Input features per row.</summary>
    public int InFeatures { get; }

    /// <summary>Output features per row.</summary>
    public int OutFeatures { get; }

    /// <summary>Elements of the input.</summary>
    public int InputLength => Batch * InFeatures;

    /// <summary>Elements of the output.</summary>
    public int OutputLength => Batch * OutFeatures;

    /// <summary>Elements of the weight.</summary>
    public int WeightLength => OutFeatures * InFeatures;

    /// <summary>Validates the sizes.</summary>
    /// <exception cref="ArgumentException">A size is not positive, or a buffer would exceed int.MaxValue elements.</exception>
    public static LinearGeometry Create(int batch, int inFeatures, int outFeatures)
    {
        OpsArguments.Positive(batch, nameof(batch));
        OpsArguments.Positive(inFeatures, nameof(inFeatures));
        OpsArguments.Positive(outFeatures, nameof(outFeatures));
        if ((long)batch * inFeatures > int.MaxValue || (long)batch * outFeatures > int.MaxValue || (long)inFeatures * outFeatures > int.MaxValue)
            throw new ArgumentException($"Linear B={batch} {inFeatures}->{outFeatures} has a buffer of more than {int.MaxValue} elements.");
        return new LinearGeometry(batch, inFeatures, outFeatures);
    }

    /// <summary>A one-line description of the layer.</summary>
    public override string ToString() => $"B={Batch} {InFeatures}->{OutFeatures}";

    /// <summary>Requires a buffer of shape <paramref name="dims"/>.</summary>
    internal void Require(int actual, string name, params ReadOnlySpan<int> dims)
    {
        int expected = 1;
        foreach (int d in dims) expected *= d;
        OpsArguments.Length(actual, expected, name, $"linear {this} with {name} of shape [{string.Join(", ", dims.ToArray())}]");
    }
}
