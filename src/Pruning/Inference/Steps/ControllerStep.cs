using System.Numerics.Tensors;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors.Threading;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// DANCE's controller for one clip, in plain math on copies of its parameters: the raw features of A_1
/// (<see cref="ControllerFeatures"/>, reading through A_1's pending ReLU), normalised with the stored training-set mean
/// and std, then fc1 -> ReLU -> fc2 -> ReLU -> fc3 -> softplus, times the calibration scale, into the plan's multipliers.
/// The same pass leaves A_1's per-frame channel sums in <see cref="FrameChannelSums"/> for a gate on A_1. The frames'
/// statistics are independent, so they run in parallel (A_1 was just written by all threads: each reads what it can
/// from its own cache), and are folded in frame order, which gives the serial features to the bit.
/// </summary>
internal sealed unsafe class ControllerStep : PlanStep
{
    private readonly PlanValue _firstActivation;
    private readonly int _frames, _pixels, _channels;
    private readonly float _scale;
    private readonly float[] _mean, _std;
    private readonly Layer[] _layers;
    private readonly float[] _features, _hidden1, _hidden2;
    // Per frame: the channel sums and sums of squares [T, 2C], the motion and the near-zero count; the fold's totals.
    private readonly float[] _frameSums;
    private readonly double[] _motion, _totals;
    private readonly long[] _nearZero;

    public ControllerStep(string name, AapController controller, float scale, PlanValue firstActivation) : base(name)
    {
        var shape = firstActivation.Shape;
        _firstActivation = firstActivation;
        (_frames, _pixels, _channels) = (shape[1], shape[2] * shape[3], shape[4]);
        _scale = scale;
        var buffers = controller.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer.ToArray());
        _mean = buffers["feature_mean"];
        _std = buffers["feature_std"];
        var parameters = controller.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());
        _layers = [Layer.Of(parameters, "fc1"), Layer.Of(parameters, "fc2"), Layer.Of(parameters, "fc3")];
        _features = new float[controller.Features];
        FrameChannelSums = new float[_frames * _channels];
        _hidden1 = new float[_layers[0].Outputs];
        _hidden2 = new float[_layers[1].Outputs];
        _frameSums = new float[_frames * 2 * _channels];
        _motion = new double[_frames];
        _nearZero = new long[_frames];
        _totals = new double[2 * _channels];
        Macs = _layers.Sum(l => (long)l.Weight.Length);
    }

    /// <summary>Multiply-adds of the MLP per clip.</summary>
    public long Macs { get; }

    /// <summary>A_1, the value the controller reads.</summary>
    public PlanValue FirstActivation => _firstActivation;

    /// <summary>[T, C]: per frame and channel the sum of A_1 through ReLU, of the last run (see <see cref="ControllerFeatures"/>).</summary>
    public float[] FrameChannelSums { get; }

    public override IEnumerable<PlanValue> Values => [_firstActivation];

    public override void Run(PlanState state)
    {
        fixed (float* sums = _frameSums)
        fixed (double* motion = _motion)
        fixed (long* nearZero = _nearZero)
        {
            var statistics = new FrameStatistics
            {
                Clip = state.Pointer(_firstActivation), Sums = sums, Motion = motion, NearZero = nearZero, Frames = _frames, Pixels = _pixels, Channels = _channels,
            };
            GatePasses.Run(_frames, _frames * _pixels * _channels, ref statistics);
        }
        ControllerFeatures.Fold(_frameSums, _motion, _nearZero, _frames, _pixels, _channels, _totals, _features, FrameChannelSums);
        for (int i = 0; i < _features.Length; i++) _features[i] = (_features[i] - _mean[i]) / _std[i];
        _layers[0].Apply(_features, _hidden1);
        TensorPrimitives.Max(_hidden1, 0f, _hidden1);
        _layers[1].Apply(_hidden1, _hidden2);
        TensorPrimitives.Max(_hidden2, 0f, _hidden2);
        var k = state.Multipliers;
        _layers[2].Apply(_hidden2, k);
        for (int i = 0; i < k.Length; i++) k[i] = Softplus(k[i]) * _scale;
    }

    /// <summary>log(1 + e^x) as <see cref="Autograd.Functional.Softplus"/> computes it.</summary>
    private static float Softplus(float x) => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));

    /// <summary>One task per frame t: <see cref="ControllerFeatures.FrameStatistics"/> of A_1 into row t of the per-frame buffers.</summary>
    private struct FrameStatistics : IParallelBody
    {
        public float* Clip, Sums;
        public double* Motion;
        public long* NearZero;
        public int Frames, Pixels, Channels;

        public readonly void Invoke(int t)
        {
            var clip = new ReadOnlySpan<float>(Clip, Frames * Pixels * Channels);
            (Motion[t], NearZero[t]) = ControllerFeatures.FrameStatistics(clip, Frames, Pixels, Channels, t, new Span<float>(Sums + (long)t * 2 * Channels, 2 * Channels));
        }
    }

    /// <summary>A fully connected layer, weight [out, in].</summary>
    private sealed record Layer(float[] Weight, float[] Bias)
    {
        public int Outputs => Bias.Length;

        public static Layer Of(Dictionary<string, float[]> parameters, string name) => new(parameters[$"{name}.weight"], parameters[$"{name}.bias"]);

        public void Apply(ReadOnlySpan<float> input, Span<float> output)
        {
            for (int o = 0; o < Bias.Length; o++)
                output[o] = TensorPrimitives.Dot(Weight.AsSpan(o * input.Length, input.Length), input) + Bias[o];
        }
    }
}
