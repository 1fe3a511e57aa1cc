using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;
using NativeDance.Tests.Testing;

namespace NativeDance.Tests.Ops;

/// <summary>Forward passes into preallocated outputs allocate nothing on the managed heap (scratch is pooled native memory).</summary>
public class OpsAllocationTests
{
    [Fact]
    public void ForwardPassesDoNotAllocate()
    {
        var pool = Pool3dGeometry.Create(2, 19, new Dims3(5, 9, 9), Dims3.Cube(3), stride: Dims3.Cube(2), padding: Dims3.Cube(1));
        var x = OpsTestData.Normal(pool.InputLength, 1);
        var pooled = new float[pool.OutputLength];
        var argmax = new int[pool.OutputLength];
        int channels = pool.Channels;
        var (y, mean, invStd, runningMean, runningVar) = (new float[x.Length], new float[channels], new float[channels], new float[channels], new float[channels]);
        runningVar.AsSpan().Fill(1);
        var linear = LinearGeometry.Create(4, 33, 10);
        var (features, weight, bias, logits) = (OpsTestData.Normal(linear.InputLength, 2), OpsTestData.Normal(linear.WeightLength, 3), new float[10], new float[linear.OutputLength]);
        var (probabilities, labels) = (new float[logits.Length], new[] { 1, 0, 9, 4 });
        var global = new float[pool.Batch * channels];

        void RunAll()
        {
            MaxPool3d.Forward(pool, x, pooled, argmax);
            MaxPool3d.Forward(pool, x, pooled);
            AvgPool3d.Forward(pool, x, pooled);
            GlobalAvgPool3d.Forward(x, global, pool.Batch, channels);
            BatchNorm.ForwardTraining(x, y, channels, default, default, mean, invStd, runningMean, runningVar);
            BatchNorm.ForwardInference(x, y, channels, default, default, runningMean, runningVar);
            Relu.Forward(x, y);
            Linear.Forward(linear, features, weight, bias, logits);
            Softmax.Forward(logits, probabilities, 10);
            LogSoftmax.Forward(logits, probabilities, 10);
            CrossEntropy.Forward(logits, labels, 10);
        }

        RunAll();
        SteadyState.AssertAllocatesNothing(RunAll);
    }
}
