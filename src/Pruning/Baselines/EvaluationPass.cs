using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Tensors;

namespace NativeDance.Pruning.Baselines;

/// <summary>
/// One pass of a model over batches with an interceptor at every gate, in evaluation mode and without recording a graph
/// (a training-mode pass would move the batch-norm running statistics); the model's mode is restored afterwards.
/// </summary>
internal static class EvaluationPass
{
    /// <summary>Runs the pass; <paramref name="beforeBatch"/> and <paramref name="afterBatch"/> (with the logits) bracket each batch's forward.</summary>
    public static void Run(Module model, IActivationInterceptor interceptor, IEnumerable<LabeledBatch> batches,
        Action<LabeledBatch>? beforeBatch = null, Action<LabeledBatch, Tensor>? afterBatch = null)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            foreach (var batch in batches)
            {
                using var scope = new GraphScope();
                beforeBatch?.Invoke(batch);
                Variable logits;
                using (ActivationGate.Intercept(interceptor)) logits = model.Forward(Variable.Constant(batch.Clips));
                afterBatch?.Invoke(batch, logits.Value);
            }
        }
        finally
        {
            if (wasTraining) model.Train();
        }
    }
}
