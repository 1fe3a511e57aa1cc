using NativeDance.Autograd;
using NativeDance.Data.Loading;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Models.Training;

/// <summary>Top-1 accuracy and the confusion matrix of a classifier on a split.</summary>
/// <param name="Accuracy">Fraction of clips whose top-1 prediction is the label.</param>
/// <param name="Confusion">Confusion[label, predicted] counts.</param>
/// <param name="Clips">Clips evaluated.</param>
public sealed record EvaluationResult(double Accuracy, int[,] Confusion, int Clips);

/// <summary>Runs a model in evaluation mode over a loader, without recording a graph.</summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="model"/> on every clip <paramref name="loader"/> yields for epoch 0.</summary>
    public static EvaluationResult Evaluate(Module model, ClipLoader loader, int classes, CancellationToken cancellationToken = default)
    {
        bool wasTraining = model.IsTraining;
        try
        {
            return Evaluate(new ClassificationObjective(model), loader, classes, cancellationToken);
        }
        finally
        {
            if (wasTraining) model.Train();
            else model.Eval();
        }
    }

    /// <summary>Evaluates an objective's predictions (e.g. a gated network) on every clip <paramref name="loader"/> yields for epoch 0.</summary>
    public static EvaluationResult Evaluate(ITrainingObjective objective, ClipLoader loader, int classes, CancellationToken cancellationToken = default)
    {
        objective.SetTraining(false);
        var confusion = new int[classes, classes];
        int correct = 0, total = 0;
        try
        {
            using var _ = GradMode.NoGrad();
            foreach (var batch in loader.ReadEpoch(0, cancellationToken: cancellationToken))
            {
                if (batch.Count == 0) continue;
                using var scope = new GraphScope();
                var logits = objective.Predict(Variable.Constant(batch.Clips)).Value;
                for (int i = 0; i < batch.Count; i++)
                {
                    int predicted = ArgMax(logits, i);
                    confusion[batch.Labels[i], predicted]++;
                    if (predicted == batch.Labels[i]) correct++;
                    total++;
                }
            }
        }
        finally
        {
            objective.SetTraining(true);
        }
        return new EvaluationResult(total == 0 ? double.NaN : (double)correct / total, confusion, total);
    }

    /// <summary>Index of the largest logit in row <paramref name="row"/> of [B, classes] logits.</summary>
    public static int ArgMax(Tensor logits, int row)
    {
        int classes = logits.Shape[1];
        var values = logits.Span.Slice(row * classes, classes);
        int best = 0;
        for (int c = 1; c < classes; c++) if (values[c] > values[best]) best = c;
        return best;
    }
}
