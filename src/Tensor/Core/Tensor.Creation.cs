namespace NativeDance.Tensors;

public sealed partial class Tensor
{
    /// <summary>A new tensor of zeros.</summary>
    public static Tensor Zeros(Shape shape) => new(shape, clear: true);

    /// <summary>A new tensor whose contents are undefined: for outputs a kernel overwrites entirely.</summary>
    public static Tensor Uninitialized(Shape shape) => new(shape, clear: false);

    /// <summary>A new tensor of ones.</summary>
    public static Tensor Ones(Shape shape) => Full(shape, 1f);

    /// <summary>A new tensor with every element set to <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, float value)
    {
        var t = new Tensor(shape, clear: false);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A new tensor holding a copy of <paramref name="data"/> (row-major).</summary>
    /// <exception cref="ArgumentException">The data length does not match the shape's element count.</exception>
    public static Tensor FromData(Shape shape, ReadOnlySpan<float> data)
    {
        if (data.Length != shape.ElementCount)
            throw new ArgumentException($"Shape {shape} needs {shape.ElementCount} elements; {data.Length} were given.", nameof(data));
        var t = new Tensor(shape, clear: false);
        data.CopyTo(t.Span);
        return t;
    }

    /// <summary>A new tensor of independent normal samples, reproducible from <paramref name="seed"/>.</summary>
    public static Tensor RandomNormal(Shape shape, ulong seed, float mean = 0f, float std = 1f)
    {
        var t = new Tensor(shape, clear: false);
        var rng = new SeededRandom(seed);
        var span = t.Span;
        for (int i = 0; i < span.Length; i++) span[i] = mean + std * rng.NextNormal();
        return t;
    }

    /// <summary>A new tensor of independent uniform samples in [<paramref name="low"/>, <paramref name="high"/>), reproducible from <paramref name="seed"/>.</summary>
    public static Tensor RandomUniform(Shape shape, ulong seed, float low = 0f, float high = 1f)
    {
        var t = new Tensor(shape, clear: false);
        var rng = new SeededRandom(seed);
        var span = t.Span;
        float range = high - low;
        for (int i = 0; i < span.Length; i++) span[i] = low + range * rng.NextSingle();
        return t;
    }

    /// <summary>A dense row-major copy of this tensor (always new storage).</summary>
    public Tensor Clone()
    {
        var t = new Tensor(Shape, clear: false);
        CopyTo(t.Span);
        return t;
    }

    /// <summary>This tensor if it is contiguous (as a new view sharing storage), else a dense copy.</summary>
    public Tensor Contiguous() => IsContiguous ? View(Shape, Shape.ContiguousStrides(), Offset) : Clone();
}
