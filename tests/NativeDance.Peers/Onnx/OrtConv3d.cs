using NativeDance.Tensors.Conv;
using EngineTensor = NativeDance.Tensors.Tensor;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// One convolution run by ONNX Runtime on the CPU: a single-Conv model built in memory in an <see cref="OrtSession"/>
/// pinned to <c>threads</c> intra-op threads, with preallocated input and output buffers ([N, C, T, H, W]) so that
/// <see cref="Run"/> times the convolution alone.
/// </summary>
public sealed class OrtConv3d : IDisposable
{
    private readonly OrtSession _session;

    /// <param name="geometry">The convolution.</param>
    /// <param name="weight">Engine weight [kT, kH, kW, Cin/groups, Cout].</param>
    /// <param name="bias">Bias [Cout], or null for none.</param>
    /// <param name="threads">Intra-op threads.</param>
    public OrtConv3d(in Conv3dGeometry geometry, EngineTensor weight, EngineTensor? bias, int threads)
    {
        Geometry = geometry;
        using var torchLayoutWeight = weight.ConvWeightToTorch();
        byte[] model = OnnxConvModel.Build(geometry, torchLayoutWeight.Span, bias is null ? default : bias.Span);
        var g = geometry;
        _session = new OrtSession(model, OnnxConvModel.InputName, [g.Batch, g.InChannels, g.Input.T, g.Input.H, g.Input.W],
            OnnxConvModel.OutputName, [g.Batch, g.OutChannels, g.Output.T, g.Output.H, g.Output.W], threads);
    }

    /// <summary>The convolution.</summary>
    public Conv3dGeometry Geometry { get; }

    /// <summary>ONNX Runtime's version string.</summary>
    public static string Version => OrtSession.Version;

    /// <summary>Copies a channels-last input [N, T, H, W, Cin] into the session's input buffer.</summary>
    public void SetInput(EngineTensor channelsLast)
    {
        using var channelsFirst = channelsLast.ToChannelsFirst();
        channelsFirst.CopyTo(_session.Input);
    }

    /// <summary>Runs the convolution from the input buffer into the output buffer.</summary>
    public void Run() => _session.Run();

    /// <summary>The last result as a channels-last engine tensor [N, To, Ho, Wo, Cout].</summary>
    public EngineTensor Output()
    {
        var g = Geometry;
        using var channelsFirst = EngineTensor.FromData(new NativeDance.Tensors.Shape(g.Batch, g.OutChannels, g.Output.T, g.Output.H, g.Output.W), _session.Output);
        return channelsFirst.ToChannelsLast();
    }

    /// <summary>Sets the input, runs, and returns the output (channels-last).</summary>
    public EngineTensor Forward(EngineTensor channelsLastInput)
    {
        SetInput(channelsLastInput);
        Run();
        return Output();
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
