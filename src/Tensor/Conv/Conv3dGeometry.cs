using NativeDance.Tensors.Ops;

namespace NativeDance.Tensors.Conv;

/// <summary>A size, stride, padding or dilation along the three spatio-temporal axes.</summary>
/// <param name="T">Along time (frames).</param>
/// <param name="H">Along height.</param>
/// <param name="W">Along width.</param>
public readonly record struct Dims3(int T, int H, int W)
{
    /// <summary>The same value along all three axes.</summary>
    public static Dims3 Cube(int value) => new(value, value, value);

    /// <summary>Product of the three values.</summary>
    public long Volume => (long)T * H * W;

    /// <summary>Formats as <c>(t, h, w)</c>.</summary>
    public override string ToString() => $"({T}, {H}, {W})";

    /// <summary>
    /// Positions of a window of <paramref name="k"/> taps spaced <paramref name="dilation"/> apart, stepping <paramref name="stride"/>
    /// over <paramref name="size"/> elements padded by <paramref name="pad"/> on both sides (convolution and pooling alike).
    /// </summary>
    /// <exception cref="ArgumentException">The window spans more than the padded input.</exception>
    internal static int SlidingWindowOutput(int size, int k, int stride, int pad, int dilation, string axis)
    {
        long span = (long)dilation * (k - 1) + 1;
        long padded = size + 2L * pad;
        if (span > padded)
            throw new ArgumentException($"Kernel {k} with dilation {dilation} spans {span} along {axis}, more than the padded input {size} + 2*{pad} = {padded}.");
        return (int)((padded - span) / stride + 1);
    }
}

/// <summary>
/// The validated shape of one 3D convolution. Layouts: input [N, T, H, W, Cin] (channels-last),
/// weight [kT, kH, kW, Cin/groups, Cout], bias [Cout], output [N, To, Ho, Wo, Cout].
/// Padding is symmetric, as in PyTorch's Conv3d.
/// </summary>
/// <example><code>var g = Conv3dGeometry.Create(batch: 1, inChannels: 64, input: new Dims3(16, 56, 56),
///     outChannels: 128, kernel: Dims3.Cube(3), padding: Dims3.Cube(1));</code></example>
public readonly record struct Conv3dGeometry
{
    private Conv3dGeometry(int batch, int inChannels, Dims3 input, int outChannels, Dims3 kernel, Dims3 stride, Dims3 padding, Dims3 dilation, int groups, Dims3 output)
    {
        Batch = batch;
        InChannels = inChannels;
        Input = input;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        Output = output;
    }

    /// <summary>Clips in the batch (N).</summary>
    public int Batch { get; }

    /// <summary>Input channels (Cin).</summary>
    public int InChannels { get; }

    /// <summary>Input frames, height and width.</summary>
    public Dims3 Input { get; }

    /// <summary>Output channels (Cout).</summary>
    public int OutChannels { get; }

    /// <summary>Kernel extent.</summary>
    public Dims3 Kernel { get; }

    /// <summary>Stride.</summary>
    public Dims3 Stride { get; }

    /// <summary>Zero padding added on both sides of each axis.</summary>
    public Dims3 Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public Dims3 Dilation { get; }

    /// <summary>Channel groups: 1 for a dense conv, Cin for depthwise.</summary>
    public int Groups { get; }

    /// <summary>Output frames, height and width.</summary>
    public Dims3 Output { get; }

    /// <summary>Input channels per group (the weight's Cin dimension).</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Elements of one input tensor.</summary>
    public int InputLength => checked(Batch * (int)Input.Volume * InChannels);

    /// <summary>Elements of one output tensor.</summary>
    public int OutputLength => checked(Batch * (int)Output.Volume * OutChannels);

    /// <summary>Elements of the weight tensor.</summary>
    public int WeightLength => checked((int)Kernel.Volume * InChannelsPerGroup * OutChannels);

    /// <summary>Multiply-accumulates of the dense forward pass, padding taps included (the usual FLOP convention / 2).</summary>
    public long DenseMacs => Batch * Output.Volume * OutChannels * Kernel.Volume * InChannelsPerGroup;

    /// <summary>Shape of the channels-last input.</summary>
    public Shape InputShape => new(Batch, Input.T, Input.H, Input.W, InChannels);

    /// <summary>Shape of the channels-last output.</summary>
    public Shape OutputShape => new(Batch, Output.T, Output.H, Output.W, OutChannels);

    /// <summary>Shape of the weight.</summary>
    public Shape WeightShape => new(Kernel.T, Kernel.H, Kernel.W, InChannelsPerGroup, OutChannels);

    /// <summary>Validates a convolution and computes its output size.</summary>
    /// <exception cref="ArgumentException">Any size is non-positive, padding is negative, the channels do not divide into
    /// the groups, or the dilated kernel is larger than the padded input. The message names the offending values.</exception>
    public static Conv3dGeometry Create(int batch, int inChannels, Dims3 input, int outChannels, Dims3 kernel,
        Dims3? stride = null, Dims3? padding = null, Dims3? dilation = null, int groups = 1)
    {
        var s = stride ?? Dims3.Cube(1);
        var p = padding ?? Dims3.Cube(0);
        var d = dilation ?? Dims3.Cube(1);
        OpsArguments.Positive(batch, nameof(batch));
        OpsArguments.Positive(inChannels, nameof(inChannels));
        OpsArguments.Positive(outChannels, nameof(outChannels));
        OpsArguments.Positive(groups, nameof(groups));
        OpsArguments.PositiveAll(input, nameof(input));
        OpsArguments.PositiveAll(kernel, nameof(kernel));
        OpsArguments.PositiveAll(s, nameof(stride));
        OpsArguments.PositiveAll(d, nameof(dilation));
        if (p.T < 0 || p.H < 0 || p.W < 0)
            throw new ArgumentException($"Padding {p} must not be negative.", nameof(padding));
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Groups {groups} must divide both input channels {inChannels} and output channels {outChannels}.", nameof(groups));
        var output = new Dims3(
            Dims3.SlidingWindowOutput(input.T, kernel.T, s.T, p.T, d.T, "T"),
            Dims3.SlidingWindowOutput(input.H, kernel.H, s.H, p.H, d.H, "H"),
            Dims3.SlidingWindowOutput(input.W, kernel.W, s.W, p.W, d.W, "W"));
        var g = new Conv3dGeometry(batch, inChannels, input, outChannels, kernel, s, p, d, groups, output);
        _ = g.InputLength + g.OutputLength + g.WeightLength; // overflow check
        return g;
    }

    /// <summary>Checks that buffers have the lengths this geometry needs.</summary>
    /// <exception cref="ArgumentException">A length differs; the message names the buffer, its length and the expected shape.</exception>
    public void RequireLength(string name, int actual, int expected, Shape shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; conv {this} needs {expected} for shape {shape}.", name);
    }

    /// <summary>A one-line description of the convolution.</summary>
    public override string ToString() =>
        $"N={Batch} {InChannels}->{OutChannels} in {Input} kernel {Kernel} stride {Stride} pad {Padding} dilation {Dilation} groups {Groups} out {Output}";
}
