using NativeDance.Models.Modules;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// A zoo model exported by <see cref="OnnxVideoNet"/> and run by ONNX Runtime on the CPU for one clip at a time:
/// <see cref="Input"/> holds the clip [1, 3, T, H, W] (channels first, ONNX's layout), <see cref="Run"/> writes
/// <see cref="Logits"/>.
/// </summary>
public sealed class OrtVideoNet : IDisposable
{
    private readonly OrtSession _session;

    /// <param name="model">The model whose current weights are exported.</param>
    /// <param name="frames">Clip length T.</param>
    /// <param name="height">Clip height.</param>
    /// <param name="width">Clip width.</param>
    /// <param name="threads">Intra-op threads.</param>
    public OrtVideoNet(Module model, int frames, int height, int width, int threads)
    {
        var (bytes, inputDims, outputDims) = OnnxVideoNet.Export(model, frames, height, width);
        ModelBytes = bytes.LongLength;
        _session = new OrtSession(bytes, OnnxVideoNet.InputName, inputDims, OnnxVideoNet.OutputName, outputDims, threads);
    }

    /// <summary>Size of the exported model.</summary>
    public long ModelBytes { get; }

    /// <summary>The clip the next run reads, [1, 3, T, H, W].</summary>
    public Span<float> Input => _session.Input;

    /// <summary>The logits of the last run.</summary>
    public ReadOnlySpan<float> Logits => _session.Output;

    /// <summary>Runs the model on <see cref="Input"/>.</summary>
    public void Run() => _session.Run();

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
