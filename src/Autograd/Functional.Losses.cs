using NativeDance.Tensors;
using NativeDance.Tensors.Ops;

namespace NativeDance.Autograd;

public static partial class Functional
{
    /// <summary>y = x W^T + b for x [B, in], W [out, in] (PyTorch's layout), b [out] or null.</summary>
    public static Variable Linear(Variable input, Variable weight, Variable? bias)
    {
        if (input.Shape.Rank != 2 || weight.Shape.Rank != 2)
            throw new ArgumentException($"Linear needs a [B, in] input and an [out, in] weight, got {input.Shape} and {weight.Shape}.");
        var g = LinearGeometry.Create(input.Shape[0], input.Shape[1], weight.Shape[0]);
        if (weight.Shape[1] != g.InFeatures)
            throw new ArgumentException($"Linear weight {weight.Shape} does not take {g.InFeatures} input features (input {input.Shape}).");
        if (bias is not null) RequireShape(bias, new Shape(g.OutFeatures), "linear bias");
        var x = Dense(input);
        var w = Dense(weight);
        var y = Tensor.Uninitialized(new Shape(g.Batch, g.OutFeatures));
        NativeDance.Tensors.Ops.Linear.Forward(g, x.Span, w.Span, bias is null ? default : Dense(bias).Span, y.Span);
        Variable[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Variable.FromOperation("linear", y, inputs, gy =>
        {
            using var dy = gy.Contiguous();
            var dx = input.RequiresGrad ? Tensor.Uninitialized(input.Shape) : null;
            var dw = Tensor.Uninitialized(weight.Shape);
            var db = bias is null ? null : Tensor.Uninitialized(bias.Shape);
            NativeDance.Tensors.Ops.Linear.Backward(g, x.Span, w.Span, dy.Span, dx is null ? default : dx.Span, dw.Span, db is null ? default : db.Span);
            return bias is null ? [dx, dw] : [dx, dw, db];
        });
    }

    /// <summary>log(softmax(x)) along the last axis, computed stably.</summary>
    public static Variable LogSoftmax(Variable input)
    {
        int length = input.Shape[-1];
        var y = Tensor.Uninitialized(input.Shape);
        NativeDance.Tensors.Ops.LogSoftmax.Forward(Dense(input).Span, y.Span, length);
        return Variable.FromOperation("log_softmax", y, [input], gy =>
        {
            using var dy = gy.Contiguous();
            var dx = Tensor.Uninitialized(input.Shape);
            NativeDance.Tensors.Ops.LogSoftmax.Backward(y.Span, dy.Span, dx.Span, length);
            return [dx];
        });
    }

    /// <summary>Mean cross-entropy of logits [B, classes] against integer labels, with optional label smoothing.</summary>
    /// <exception cref="ArgumentException">A label is out of range or the batch sizes differ; the message names them.</exception>
    public static Variable CrossEntropy(Variable logits, int[] labels, float labelSmoothing = 0f)
    {
        if (logits.Shape.Rank != 2)
            throw new ArgumentException($"Cross-entropy needs logits [B, classes], got {logits.Shape}.", nameof(logits));
        int classes = logits.Shape[1];
        var z = Dense(logits);
        float loss = NativeDance.Tensors.Ops.CrossEntropy.Forward(z.Span, labels, classes, labelSmoothing);
        return Variable.FromOperation("cross_entropy", Tensor.Full(new Shape(), loss), [logits], gy =>
        {
            var dz = Tensor.Uninitialized(logits.Shape);
            NativeDance.Tensors.Ops.CrossEntropy.Backward(z.Span, labels, classes, dz.Span, labelSmoothing, gy.Item());
            return [dz];
        });
    }

    /// <summary>
    /// Distillation loss: tau^2 * mean over the batch of KL(softmax(teacher / tau) || softmax(student / tau)).
    /// The teacher's logits are constants; the tau^2 factor keeps gradient magnitudes independent of tau (Hinton et al.).
    /// </summary>
    public static Variable KlDivergence(Variable studentLogits, Tensor teacherLogits, float temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Temperature must be positive.");
        if (teacherLogits.Shape != studentLogits.Shape)
            throw new ArgumentException($"Teacher logits {teacherLogits.Shape} and student logits {studentLogits.Shape} differ in shape.");
        int batch = studentLogits.Shape[0];
        Tensor teacherLogProbs;
        using (GradMode.NoGrad())
            teacherLogProbs = LogSoftmax(Variable.Constant(GraphScope.Track(teacherLogits * (1f / temperature)))).Value;
        var teacherProbs = GraphScope.Track(teacherLogProbs.Exp());
        var studentLogProbs = LogSoftmax(Scale(studentLogits, 1f / temperature));
        var gap = Variable.Constant(teacherLogProbs) - studentLogProbs;
        return Scale(Sum(Variable.Constant(teacherProbs) * gap), temperature * temperature / batch);
    }
}
