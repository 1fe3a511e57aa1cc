using NativeDance.Autograd;
using NativeDance.Autograd.Optim;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Pruning.Methods;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// How every baseline fine-tunes: SGD (Nesterov momentum) with a cosine schedule on the backbone, AdamW on any extra
/// modules (saliency predictors), and the loss CE + alpha * KL(dense teacher at temperature tau) + the policy's penalty.
/// </summary>
public sealed record FineTuningOptions
{
    /// <summary>Peak SGD learning rate of the backbone.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>AdamW learning rate of extra modules.</summary>
    public float ExtraLearningRate { get; init; } = 1e-3f;

    /// <summary>SGD momentum.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 weight decay of the backbone.</summary>
    public float WeightDecay { get; init; } = 5e-4f;

    /// <summary>Weight of the distillation term (0 turns the teacher off).</summary>
    public float DistillationWeight { get; init; } = 0.5f;

    /// <summary>Distillation temperature tau.</summary>
    public float Temperature { get; init; } = 4f;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A rate or the temperature is not positive, or a weight is negative.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0) || !(ExtraLearningRate > 0) || !(Temperature > 0))
            throw new ArgumentException($"Learning rates ({LearningRate}, {ExtraLearningRate}) and temperature ({Temperature}) must be positive.");
        if (Momentum < 0 || WeightDecay < 0 || DistillationWeight < 0)
            throw new ArgumentException($"Momentum ({Momentum}), weight decay ({WeightDecay}) and distillation weight ({DistillationWeight}) must not be negative.");
    }
}

/// <summary>The fine-tuning loop shared by the baselines (no checkpoints: runs are short and their result is evaluated at once).</summary>
internal static class FineTuning
{
    /// <summary>
    /// Trains <paramref name="student"/>'s trainable parameters (and <paramref name="extra"/>, when given) for the
    /// session's epoch budget on its training split, with <paramref name="policy"/> at every gate.
    /// </summary>
    public static void Run(PruningSession session, string name, Module student, GatePolicy policy, FineTuningOptions options, IReadOnlyList<Variable>? extra = null)
    {
        options.Validate();
        Module? teacher = options.DistillationWeight > 0 ? session.LoadDense() : null;
        teacher?.SetTrainable(false);
        var backbone = student.Parameters().Where(p => p.RequiresGrad).ToList();
        var optimizers = new List<Optimizer>();
        if (backbone.Count > 0) optimizers.Add(new Sgd(backbone, options.LearningRate, options.Momentum, options.WeightDecay, nesterov: options.Momentum > 0));
        if (extra is { Count: > 0 }) optimizers.Add(new AdamW(extra, options.ExtraLearningRate, weightDecay: 0f));
        var loader = session.Train;
        long total = Math.Max(1, (long)session.Epochs * loader.StepsPerEpoch), step = 0;
        var schedules = optimizers.Select(o => new CosineSchedule(o.LearningRate, total)).ToArray();
        student.Train();
        double lossSum = 0;
        int seen = 0;
        for (int epoch = 0; epoch < session.Epochs; epoch++)
        {
            foreach (var batch in loader.ReadEpoch(epoch, cancellationToken: session.Cancellation))
            {
                if (batch.Count == 0) continue;
                for (int i = 0; i < optimizers.Count; i++) optimizers[i].LearningRate = schedules[i].At(step);
                using (new GraphScope())
                {
                    var clips = Variable.Constant(batch.Clips);
                    var labels = batch.Labels.ToArray();
                    Variable logits;
                    using (ActivationGate.Intercept(policy)) logits = student.Forward(clips);
                    var loss = Functional.CrossEntropy(logits, labels);
                    if (teacher is not null)
                    {
                        Variable teacherLogits;
                        using (GradMode.NoGrad()) teacherLogits = teacher.Forward(clips);
                        loss = loss + Functional.KlDivergence(logits, teacherLogits.Value, options.Temperature) * options.DistillationWeight;
                    }
                    if (policy.TakePenalty() is { } penalty) loss = loss + penalty;
                    foreach (var o in optimizers) o.ZeroGrad();
                    loss.Backward();
                    foreach (var o in optimizers) o.Step();
                    lossSum += loss.Value.Item() * batch.Count;
                }
                seen += batch.Count;
                step++;
                if (step % 10 == 0 || step == total)
                    session.Progress($"{name}: fine-tuning step {step}/{total}, loss {lossSum / seen:F3}");
            }
        }
        student.Eval();
    }
}
