using NativeDance.Tensors.Conv;

namespace NativeDance.Tensors.Ops;

/// <summary>
/// The validated shape of one 3D pooling. Layouts: input [N, T, H, W, C] and output [N, To, Ho, Wo, C], channels-last.
/// Padding is symmetric and, as in PyTorch, at most half the kernel; output sizes round down (no ceil mode).
/// </summary>
/// <example><code>var g = Pool3dGeometry.Create(batch: 8, channels: 64, input: new Dims3(16, 56, 56),
///     kernel: Dims3.Cube(3), stride: new Dims3(1, 2, 2), padding: Dims3.Cube(1));</code></example>
public readonly record struct Pool3dGeometry
{
    private Pool3dGeometry(int batch, int channels, Dims3 input, Dims3 kernel, Dims3 stride, Dims3 padding, Dims3 dilation, Dims3 output)
    {
        Batch = batch;
        Channels = channels;
        Input = input;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Output = output;
    }

    /// <summary>Clips in the batch (N).</summary>
    public int Batch { get; }

    /// <summary>Channels (C), the same for input and output.</summary>
    public int Channels { get; }

    /// <summary>Input frames, height and width.</summary>
    public Dims3 Input { get; }

    /// <summary>Window extent.</summary>
    public Dims3 Kernel { get; }

    /// <summary>Step between windows.</summary>
    public Dims3 Stride { get; }

    /// <summary>Padding added on both sides of each axis.</summary>
    public Dims3 Padding { get; }

    /// <summary>Spacing between window taps.</summary>
    public Dims3 Dilation { get; }

    /// <summary>Output frames, height and width.</summary>
    public Dims3 Output { get; }

    /// <summary>Elements of the input.</summary>
    public int InputLength => checked(Batch * (int)Input.Volume * Channels);

    /// <summary>Elements of the output (and of the argmax indices of a max pool).</summary>
    public int OutputLength => checked(Batch * (int)Output.Volume * Channels);

    /// <summary>Shape of the channels-last input.</summary>
    public Shape InputShape => new(Batch, Input.T, Input.H, Input.W, Channels);

    /// <summary>Shape of the channels-last output.</summary>
    public Shape OutputShape => new(Batch, Output.T, Output.H, Output.W, Channels);

    /// <summary>Validates a pooling and computes its output size. The stride defaults to the kernel, as in PyTorch.</summary>
    /// <exception cref="ArgumentException">A size, stride or dilation is not positive, padding is negative or more than half
    /// the kernel, or the dilated kernel is larger than the padded input. The message names the offending values.</exception>
    public static Pool3dGeometry Create(int batch, int channels, Dims3 input, Dims3 kernel,
        Dims3? stride = null, Dims3? padding = null, Dims3? dilation = null)
    {
        var s = stride ?? kernel;
        var p = padding ?? Dims3.Cube(0);
        var d = dilation ?? Dims3.Cube(1);
        OpsArguments.Positive(batch, nameof(batch));
        OpsArguments.Positive(channels, nameof(channels));
        OpsArguments.PositiveAll(input, nameof(input));
        OpsArguments.PositiveAll(kernel, nameof(kernel));
        OpsArguments.PositiveAll(s, nameof(stride));
        OpsArguments.PositiveAll(d, nameof(dilation));
        if (p.T < 0 || p.H < 0 || p.W < 0)
            throw new ArgumentException($"Padding {p} must not be negative.", nameof(padding));
        if (2 * p.T > kernel.T || 2 * p.H > kernel.H || 2 * p.W > kernel.W)
            throw new ArgumentException($"Padding {p} must be at most half the kernel {kernel}.", nameof(padding));
        var output = new Dims3(
            Dims3.SlidingWindowOutput(input.T, kernel.T, s.T, p.T, d.T, "T"),
            Dims3.SlidingWindowOutput(input.H, kernel.H, s.H, p.H, d.H, "H"),
            Dims3.SlidingWindowOutput(input.W, kernel.W, s.W, p.W, d.W, "W"));
        var g = new Pool3dGeometry(batch, channels, input, kernel, s, p, d, output);
        _ = g.InputLength + g.OutputLength; // overflow check
        return g;
    }

    /// <summary>A one-line description of the pooling.</summary>
    public override string ToString() =>
        $"N={Batch} C={Channels} in {Input} kernel {Kernel} stride {Stride} pad {Padding} dilation {Dilation} out {Output}";

    /// <summary>Checks that the input and output buffers have this geometry's lengths.</summary>
    internal void RequireLengths(int input, string inputName, int output, string outputName)
    {
        OpsArguments.Length(input, InputLength, inputName, $"pool {this} with input shape {InputShape}");
        OpsArguments.Length(output, OutputLength, outputName, $"pool {this} with output shape {OutputShape}");
    }

    /// <summary>The output frame whose window reads input frame <paramref name="inputFrame"/> with tap <paramref name="tap"/>, or -1.</summary>
    internal int OutputFrameOfTap(int inputFrame, int tap)
    {
        int offset = inputFrame + Padding.T - tap * Dilation.T;
        if (offset < 0 || offset % Stride.T != 0) return -1;
        int frame = offset / Stride.T;
        return frame < Output.T ? frame : -1;
    }
}
