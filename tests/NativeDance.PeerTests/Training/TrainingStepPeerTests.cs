using NativeDance.Autograd;
using NativeDance.Autograd.Optim;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Peers.Torch;
using NativeDance.Peers.Torch.Models;
using NativeDance.Tensors;
using TorchSharp;
using static NativeDance.PeerTests.Training.TwinComparison;
using F = TorchSharp.torch.nn.functional;
using ScalarType = TorchSharp.torch.ScalarType;

namespace NativeDance.PeerTests.Training;

/// <summary>
/// Training steps of our networks next to libtorch twins that start from our weights, passed through our checkpoint
/// file (so the file's names and layouts must be PyTorch's for the twin to load at all). Two steps, because the
/// first step of momentum SGD and of Adam does not exercise their running buffers. After each step the loss, every
/// parameter's gradient, every parameter's value and update and, at the end, the batch-norm buffers must agree within
/// 1e-4 relative (norm of the difference over the norm of libtorch's), against libtorch in float32 and in float64.
/// The second step's gradients and updates get 1e-2: its forward runs on weights that already differ by rounding, and
/// a ReLU input that cancels to exactly 0.0 in one engine and to a few ulps above it in the other passes the gradient
/// in one and not the other. One such element among 65k in R3D-18's layer1 gave 2.5e-3 upstream of it (the conv
/// kernels themselves agree with a float64 reference to 3e-7); a real error in the optimiser's running buffers,
/// which only the second step exercises, shows up far above 1e-2.
/// </summary>
[Trait("Category", "Peer")]
public sealed class TrainingStepPeerTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private const double SecondStepTolerance = 1e-2;
    private const int Steps = 2;
    private const float LabelSmoothing = 0.1f;
    // PyTorch's default 1e-8 makes Adam's first step lr * sign(g) on all but the few weights whose gradient is within
    // rounding noise of zero, and those flip: a test of the rounding, not of the optimiser. 1e-5 keeps the update a
    // smooth function of the gradient, and still small beside the gradients of any weight that matters.
    private const float AdamEpsilon = 1e-5f;
    private readonly string _directory = Directory.CreateTempSubdirectory("nd-train-peer-").FullName;

    public static TheoryData<string, string, ScalarType> Cases()
    {
        var data = new TheoryData<string, string, ScalarType>();
        foreach (string model in TwinCases.Keys)
        foreach (string optimizer in new[] { "sgd", "adamw" })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            data.Add(model, optimizer, dtype);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StepsMatchLibTorch(string model, string optimizer, ScalarType dtype)
    {
        var twinCase = TwinCases.Get(model);
        var ours = twinCase.CreateOurs(seed: 5);
        string path = Path.Combine(_directory, $"{model}.safetensors");
        ModelCheckpoint.Save(ours, path);
        using var twin = twinCase.LoadTwin(path, dtype);
        var parameters = ours.NamedParameters().ToList();
        var (ourOptimizer, theirOptimizer) = Optimizers(optimizer, parameters.Select(p => p.Parameter), twin.State.Parameters);
        using (theirOptimizer)
        {
            for (int step = 1; step <= Steps; step++)
            {
                string context = $"{model} {optimizer} vs libtorch {dtype}, step {step}";
                double tolerance = step == 1 ? Tolerance : SecondStepTolerance;
                using var clips = Tensor.RandomNormal(twinCase.ClipShape, seed: (ulong)(40 + step));
                int[] labels = Enumerable.Range(0, TwinCases.Batch).Select(i => (i * 3 + step) % TwinCases.Classes).ToArray();
                using var torchScope = torch.NewDisposeScope();
                using var graphScope = new GraphScope();

                var loss = Functional.CrossEntropy(ours.Forward(Variable.Constant(clips)), labels, LabelSmoothing);
                ourOptimizer.ZeroGrad();
                loss.Backward();
                var theirLoss = F.cross_entropy(twin.Forward(TorchConversions.ActivationToTorch(clips, dtype), training: true),
                    torch.tensor(labels.Select(l => (long)l).ToArray()), label_smoothing: LabelSmoothing);
                theirOptimizer.zero_grad();
                theirLoss.backward();

                AssertRelative([loss.Value.Item()], [Values(theirLoss)[0]], Tolerance, $"{context}, loss");
                var before = parameters.ToDictionary(p => p.Name, p => TorchLayoutValues(p.Parameter.Value, p.Layout));
                var theirsBefore = parameters.ToDictionary(p => p.Name, p => Values(twin.State[p.Name]));
                foreach (var p in parameters)
                {
                    Assert.NotNull(p.Parameter.Grad);
                    AssertRelative(TorchLayoutValues(p.Parameter.Grad, p.Layout), Values(twin.State[p.Name].grad!), tolerance, $"{context}, gradient of {p.Name}");
                }

                ourOptimizer.Step();
                theirOptimizer.step();
                foreach (var p in parameters)
                {
                    float[] after = TorchLayoutValues(p.Parameter.Value, p.Layout);
                    double[] theirsAfter = Values(twin.State[p.Name]);
                    AssertRelative(after, theirsAfter, tolerance, $"{context}, {p.Name} after the update");
                    AssertUpdateClose(before[p.Name], after, theirsBefore[p.Name], theirsAfter, tolerance, $"{context}, update of {p.Name}");
                }
            }
        }
        foreach (var b in ours.NamedBuffers())
        {
            if (b.IsCounter) Assert.Equal(twin.State[b.Name].item<long>(), (long)b.Buffer.Item());
            else AssertRelative(b.Buffer.ToArray(), Values(twin.State[b.Name]), Tolerance, $"{model} {optimizer}, buffer {b.Name}");
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// ||Δours - Δtheirs|| &lt;= tolerance ||Δtheirs|| + 2^-22 ||w||: the updates agree within the tolerance, up to the
    /// rounding of fp32 weights they were added to (half an ulp on each side), which alone is 1e-4 of an update a
    /// thousand times smaller than its weight.
    /// </summary>
    private static void AssertUpdateClose(float[] oursBefore, float[] oursAfter, double[] theirsBefore, double[] theirsAfter, double tolerance, string context)
    {
        double error = 0, update = 0, weight = 0;
        for (int i = 0; i < oursAfter.Length; i++)
        {
            double theirs = theirsAfter[i] - theirsBefore[i];
            double d = (double)oursAfter[i] - oursBefore[i] - theirs;
            error += d * d;
            update += theirs * theirs;
            weight += theirsAfter[i] * theirsAfter[i];
        }
        double allowed = tolerance * Math.Sqrt(update) + Math.ScaleB(Math.Sqrt(weight), -22);
        Assert.True(Math.Sqrt(error) <= allowed, $"{context}: error {Math.Sqrt(error):E3} > {allowed:E3} (update norm {Math.Sqrt(update):E3}).");
    }

    private static (Optimizer Ours, torch.optim.Optimizer Theirs) Optimizers(string name, IEnumerable<Variable> ours, IEnumerable<TorchSharp.Modules.Parameter> theirs) => name switch
    {
        "sgd" => (new Sgd(ours, learningRate: 0.05f, momentum: 0.9f, weightDecay: 1e-3f, nesterov: true),
            torch.optim.SGD(theirs, 0.05, momentum: 0.9, weight_decay: 1e-3, nesterov: true)),
        _ => (new AdamW(ours, learningRate: 1e-3f, epsilon: AdamEpsilon, weightDecay: 0.05f),
            torch.optim.AdamW(theirs, 1e-3, eps: AdamEpsilon, weight_decay: 0.05)),
    };
}
