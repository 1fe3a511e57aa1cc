using NativeDance.Autograd;
using NativeDance.Models.Layers;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// AVA fine-tuning as a training objective: cross-entropy, distillation from the frozen dense model, and the
/// variability reward on every gated conv input (all convs but conv1), with lambda warmed up over the first part of the run.
/// </summary>
public sealed class AvaObjective : ITrainingObjective, IActivationInterceptor
{
    private readonly Module _student;
    private readonly Module _teacher;
    private readonly AvaOptions _options;
    private readonly List<Variable> _recorded = [];
    private double _progress;

    /// <summary>Fine-tunes <paramref name="student"/>, distilling from <paramref name="teacher"/> (frozen; typically a copy of the dense model).</summary>
    public AvaObjective(Module student, Module teacher, AvaOptions options)
    {
        if (student is not IGatedNetwork) throw new ArgumentException($"AVA needs a gated network; {student.GetType().Name} has no activation gates.", nameof(student));
        _student = student;
        _teacher = teacher;
        _options = options;
        teacher.SetTrainable(false);
        teacher.Eval();
    }

    /// <inheritdoc />
    public Module Trained => _student;

    /// <summary>The lambda in force at the current point of the run.</summary>
    public float CurrentLambda => (float)(_options.Lambda * Math.Min(1, _options.LambdaWarmup <= 0 ? 1 : _progress / _options.LambdaWarmup));

    /// <inheritdoc />
    public void SetProgress(double fraction) => _progress = fraction;

    /// <inheritdoc />
    public Variable Loss(Variable clips, int[] labels, out Variable logits)
    {
        Variable teacherLogits;
        using (GradMode.NoGrad()) teacherLogits = _teacher.Forward(clips);
        _recorded.Clear();
        using (ActivationGate.Intercept(this)) logits = _student.Forward(clips);
        var loss = Functional.CrossEntropy(logits, labels);
        if (_options.Alpha > 0) loss = loss + Functional.KlDivergence(logits, teacherLogits.Value, _options.Temperature) * _options.Alpha;
        float lambda = CurrentLambda;
        if (lambda > 0 || _options.L1 > 0) loss = loss + VariabilityPenalty(lambda);
        return loss;
    }

    /// <summary>-lambda * mean over gates of sum_g w_g * mean_n log(eps + CV2_g), plus beta * mean |X| when L1 is on.</summary>
    private Variable VariabilityPenalty(float lambda)
    {
        Variable? total = null;
        var (we, wc, wf) = _options.Weights;
        foreach (var x in _recorded)
        {
            var term = LogCv2(ActivationVariability.Elements(x)) * we
                + LogCv2(_options.AcrossBatch ? ActivationVariability.AcrossBatchChannels(x) : ActivationVariability.Channels(x)) * wc
                + LogCv2(ActivationVariability.Frames(x)) * wf;
            var penalty = term * (-lambda / _recorded.Count);
            if (_options.L1 > 0) penalty = penalty + Functional.Mean(x) * (_options.L1 / _recorded.Count);
            total = total is null ? penalty : total + penalty;
        }
        return total ?? throw new InvalidOperationException("The network ran no gated conv; nothing to amplify.");
    }

    private Variable LogCv2(Variable cv2) => Functional.Mean(Functional.Log(cv2 + _options.Epsilon));

    /// <inheritdoc />
    public Variable OnActivation(ActivationGate gate, Variable activation)
    {
        _recorded.Add(activation);
        return activation;
    }

    /// <inheritdoc />
    public Variable Predict(Variable clips) => _student.Forward(clips);

    /// <inheritdoc />
    public void SetTraining(bool training)
    {
        if (training) _student.Train();
        else _student.Eval();
    }
}
