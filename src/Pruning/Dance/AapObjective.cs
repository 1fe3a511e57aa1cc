using NativeDance.Autograd;
using NativeDance.Models.Modules;
using NativeDance.Models.Training;

namespace NativeDance.Pruning.Dance;

/// <summary>
/// AAP controller training as a training objective: the backbone (the AVA model) is frozen with batch norm in evaluation
/// mode; only the controller learns, from distillation against the ungated backbone, cross-entropy, and the squared excess
/// of the executed-MAC ratio over the budget. The surrogate temperature anneals geometrically over the run.
/// </summary>
public sealed class AapObjective : ITrainingObjective
{
    private readonly IGatedNetwork _network;
    private readonly AapController _controller;
    private readonly GatedForward _gated;
    private readonly AapOptions _options;
    private double _progress;

    /// <summary>Trains <paramref name="controller"/> to gate <paramref name="backbone"/> (which is frozen here).</summary>
    public AapObjective(Module backbone, AapController controller, AapOptions options)
    {
        options.Validate();
        _controller = controller;
        _options = options;
        _gated = new GatedForward(backbone, controller, options.Masks, options.ControllerInput);
        _network = (IGatedNetwork)backbone;
        backbone.SetTrainable(false);
        backbone.Eval();
    }

    /// <inheritdoc />
    public Module Trained => _controller;

    /// <summary>The gated runner (its records describe the last batch).</summary>
    public GatedForward Gated => _gated;

    /// <summary>The surrogate temperature at the current point of the run.</summary>
    public float SurrogateTemperature => (float)(_options.SurrogateStart * Math.Pow(_options.SurrogateEnd / _options.SurrogateStart, _progress));

    /// <inheritdoc />
    public void SetProgress(double fraction) => _progress = Math.Clamp(fraction, 0, 1);

    /// <inheritdoc />
    public Variable Loss(Variable clips, int[] labels, out Variable logits)
    {
        // The teacher is the ungated backbone: it shares the stem's output with the gated pass.
        Variable firstActivation, teacher;
        using (GradMode.NoGrad())
        {
            firstActivation = _network.ForwardStem(clips);
            teacher = _network.ForwardRest(firstActivation);
        }
        logits = _gated.Run(clips, firstActivation, SurrogateTemperature, out var macRatio);
        var excess = Functional.Relu(macRatio + (-_options.Budget));
        return Functional.CrossEntropy(logits, labels)
            + Functional.KlDivergence(logits, teacher.Value, _options.Temperature)
            + Functional.Mean(Functional.Square(excess)) * _options.MacPenalty;
    }

    /// <inheritdoc />
    public Variable Predict(Variable clips) => _gated.Run(clips, _options.SurrogateEnd, out _);

    /// <inheritdoc />
    public void SetTraining(bool training)
    {
        // The backbone stays in evaluation mode throughout; the controller has no mode-dependent layers.
        if (training) _controller.Train();
        else _controller.Eval();
    }
}
