using System.Diagnostics;
using System.Text.Json;
using NativeDance.Autograd;
using NativeDance.Autograd.Optim;
using NativeDance.Data.Loading;
using NativeDance.Models.Modules;

namespace NativeDance.Models.Training;

/// <summary>
/// Supervised training of a classifier: cross-entropy, SGD or AdamW with a learning-rate schedule, a checkpoint at the
/// end of every epoch and exact resumption (same data order, optimizer state and schedule position) after an interruption.
/// </summary>
/// <example><code>var trainer = new Trainer(model, trainLoader, validationLoader, classes: 10, options);
/// trainer.StepCompleted += p => Console.Write($"\r{p.Epoch}:{p.Step} loss {p.Loss:F3}");
/// var history = trainer.Run(resume: true);</code></example>
public sealed class Trainer
{
    private readonly ITrainingObjective _objective;
    private readonly ClipLoader _train;
    private readonly ClipLoader? _validation;
    private readonly int _classes;
    private readonly TrainingOptions _options;
    private readonly Optimizer _optimizer;
    private readonly ILearningRateSchedule _schedule;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly long _totalSteps;

    /// <summary>Prepares plain classification training of <paramref name="model"/>; <paramref name="metadata"/> is stored in every checkpoint.</summary>
    public Trainer(Module model, ClipLoader train, ClipLoader? validation, int classes, TrainingOptions options, IReadOnlyDictionary<string, string>? metadata = null)
        : this(new ClassificationObjective(model, options.LabelSmoothing), train, validation, classes, options, metadata)
    {
    }

    /// <summary>Prepares a run of any objective; <paramref name="metadata"/> is stored in every checkpoint.</summary>
    public Trainer(ITrainingObjective objective, ClipLoader train, ClipLoader? validation, int classes, TrainingOptions options, IReadOnlyDictionary<string, string>? metadata = null)
    {
        options.Validate();
        _objective = objective;
        _train = train;
        _validation = validation;
        _classes = classes;
        _options = options;
        _metadata = metadata ?? new Dictionary<string, string>();
        var parameters = objective.Trained.Parameters().Where(p => p.RequiresGrad).ToList();
        _optimizer = options.Optimizer == "adamw"
            ? new AdamW(parameters, options.LearningRate, weightDecay: options.WeightDecay)
            : new Sgd(parameters, options.LearningRate, options.Momentum, options.WeightDecay, nesterov: options.Momentum > 0);
        long totalSteps = (long)options.Epochs * train.StepsPerEpoch;
        _totalSteps = Math.Max(1, totalSteps);
        ILearningRateSchedule schedule = options.Schedule switch
        {
            "cosine" => new CosineSchedule(options.LearningRate, totalSteps),
            "step" => new StepSchedule(options.LearningRate, Math.Max(1, totalSteps / 3)),
            _ => new StepSchedule(options.LearningRate, long.MaxValue),
        };
        _schedule = options.WarmupSteps > 0 ? new LinearWarmup(schedule, options.WarmupSteps) : schedule;
    }

    /// <summary>Raised after every training step.</summary>
    public event Action<StepProgress>? StepCompleted;

    /// <summary>Raised after every epoch, once its checkpoint is on disk.</summary>
    public event Action<EpochSummary>? EpochCompleted;

    /// <summary>The epoch a resumed run continued after (0 for a fresh run).</summary>
    public int ResumedFromEpoch { get; private set; }

    /// <summary>Trains until <see cref="TrainingOptions.Epochs"/> epochs are complete; returns the summaries of the epochs run now.</summary>
    public IReadOnlyList<EpochSummary> Run(bool resume, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_options.OutputDirectory);
        ResumedFromEpoch = resume ? TrainingCheckpoint.Restore(_options.OutputDirectory, _objective.Trained, _optimizer) : 0;
        var history = new List<EpochSummary>();
        for (int epoch = ResumedFromEpoch + 1; epoch <= _options.Epochs; epoch++)
        {
            var summary = RunEpoch(epoch, cancellationToken);
            TrainingCheckpoint.Save(_options.OutputDirectory, epoch, _objective.Trained, _optimizer, _metadata);
            history.Add(summary);
            AppendHistory(summary);
            EpochCompleted?.Invoke(summary);
        }
        return history;
    }

    private EpochSummary RunEpoch(int epoch, CancellationToken cancellationToken)
    {
        _objective.SetTraining(true);
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        int correct = 0, seen = 0, steps = 0;
        // The loader's epochs count from 0; ours from 1 for people.
        foreach (var batch in _train.ReadEpoch(epoch - 1, cancellationToken: cancellationToken))
        {
            if (batch.Count == 0) continue;
            _optimizer.LearningRate = _schedule.At(_optimizer.StepCount);
            _objective.SetProgress((double)_optimizer.StepCount / _totalSteps);
            using (var scope = new GraphScope())
            {
                var labels = batch.Labels.ToArray();
                var loss = _objective.Loss(Variable.Constant(batch.Clips), labels, out var logits);
                _optimizer.ZeroGrad();
                loss.Backward();
                _optimizer.Step();
                lossSum += loss.Value.Item() * batch.Count;
                for (int i = 0; i < batch.Count; i++) if (Evaluator.ArgMax(logits.Value, i) == labels[i]) correct++;
            }
            seen += batch.Count;
            steps++;
            double rate = seen / clock.Elapsed.TotalSeconds;
            long stepsLeft = (long)(_options.Epochs - epoch + 1) * _train.StepsPerEpoch - steps;
            var remaining = TimeSpan.FromSeconds(stepsLeft * clock.Elapsed.TotalSeconds / steps);
            StepCompleted?.Invoke(new StepProgress(epoch, steps, _train.StepsPerEpoch, lossSum / seen, (double)correct / seen, rate, remaining));
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        double validation = _validation is null ? double.NaN : Evaluator.Evaluate(_objective, _validation, _classes, cancellationToken).Accuracy;
        return new EpochSummary(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), validation,
            seen / Math.Max(1e-9, trainSeconds), clock.Elapsed.TotalSeconds, _optimizer.LearningRate);
    }

    private void AppendHistory(EpochSummary summary)
    {
        string line = JsonSerializer.Serialize(summary, TrainingJsonContext.Default.EpochSummary);
        File.AppendAllText(Path.Combine(_options.OutputDirectory, "history.jsonl"), line + Environment.NewLine);
    }
}
