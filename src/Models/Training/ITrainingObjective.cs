using NativeDance.Autograd;
using NativeDance.Models.Modules;

namespace NativeDance.Models.Training;

/// <summary>
/// What a <see cref="Trainer"/> optimises: which module's parameters it updates and checkpoints, the loss of a batch,
/// and how to predict (for accuracy). Plain classification, AVA fine-tuning and AAP controller training are objectives.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>The module whose trainable parameters are optimised and whose state is checkpointed.</summary>
    Module Trained { get; }

    /// <summary>Called before each step with the fraction of the run done (0 to 1), for annealed quantities.</summary>
    void SetProgress(double fraction);

    /// <summary>The loss of a batch of clips [N, T, H, W, C] with their labels; also returns the logits.</summary>
    Variable Loss(Variable clips, int[] labels, out Variable logits);

    /// <summary>The logits used for evaluation (no graph is recorded around this call).</summary>
    Variable Predict(Variable clips);

    /// <summary>Switches everything the objective runs to training or evaluation mode.</summary>
    void SetTraining(bool training);
}

/// <summary>Plain supervised training: cross-entropy of the model's logits.</summary>
public sealed class ClassificationObjective(Module model, float labelSmoothing = 0f) : ITrainingObjective
{
    /// <inheritdoc />
    public Module Trained => model;

    /// <inheritdoc />
    public void SetProgress(double fraction)
    {
    }

    /// <inheritdoc />
    public Variable Loss(Variable clips, int[] labels, out Variable logits)
    {
        logits = model.Forward(clips);
        return Functional.CrossEntropy(logits, labels, labelSmoothing);
    }

    /// <inheritdoc />
    public Variable Predict(Variable clips) => model.Forward(clips);

    /// <inheritdoc />
    public void SetTraining(bool training)
    {
        if (training) model.Train();
        else model.Eval();
    }
}
