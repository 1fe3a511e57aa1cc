using Microsoft.ML.OnnxRuntime;

namespace NativeDance.Peers.Onnx;

/// <summary>
/// An ONNX Runtime CPU session for a model with one float input and one float output of fixed shapes, pinned to
/// <c>threads</c> intra-op threads with sequential execution and all graph optimisations, reading from and writing to
/// preallocated buffers so that <see cref="Run"/> times the model alone.
/// </summary>
public sealed class OrtSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _inputValue, _outputValue;
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputValues, _outputValues;

    /// <param name="model">The ModelProto bytes.</param>
    /// <param name="input">Name of the input.</param>
    /// <param name="inputDims">Its shape.</param>
    /// <param name="output">Name of the output.</param>
    /// <param name="outputDims">Its shape.</param>
    /// <param name="threads">Intra-op threads.</param>
    public OrtSession(byte[] model, string input, long[] inputDims, string output, long[] outputDims, int threads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        Input = new float[checked((int)inputDims.Aggregate(1L, (a, b) => a * b))];
        Output = new float[checked((int)outputDims.Aggregate(1L, (a, b) => a * b))];
        _inputValue = OrtValue.CreateTensorValueFromMemory(Input, inputDims);
        _outputValue = OrtValue.CreateTensorValueFromMemory(Output, outputDims);
        _inputNames = [input];
        _outputNames = [output];
        _inputValues = [_inputValue];
        _outputValues = [_outputValue];
    }

    /// <summary>ONNX Runtime's version string.</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>The input buffer the session reads.</summary>
    public float[] Input { get; }

    /// <summary>The output buffer the session writes.</summary>
    public float[] Output { get; }

    /// <summary>Runs the model from <see cref="Input"/> into <see cref="Output"/>.</summary>
    public void Run() => _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    /// <inheritdoc />
    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
