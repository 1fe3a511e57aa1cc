using System.Globalization;
using System.Numerics.Tensors;
using NativeDance.Data;
using NativeDance.Data.Video;
using NativeDance.Models.Checkpoints;
using NativeDance.Models.Modules;
using NativeDance.Models.Zoo;
using NativeDance.Pruning.Dance;
using NativeDance.Runtime.Execution;
using NativeDance.Runtime.Inputs;
using NativeDance.Tensors;
using Tensor = NativeDance.Tensors.Tensor;
using NativeDance.Tensors.Serialization;

namespace NativeDance.Runtime;

/// <summary>
/// A trained 3D CNN, optionally with its DANCE controller, ready to classify video clips: load once, classify from any
/// number of threads. Clips are run by compiled inference plans (batch norm folded, one activation arena, the controller
/// and the masks inside the plan); each concurrent caller gets a plan of its own from a small lock-free pool, so the
/// allocation-free overload <see cref="Classify(ReadOnlySpan{float}, Span{float})"/> allocates nothing per clip once the
/// pool is warm. Clips are channels-last [T, H, W, 3] floats in [0, 1], at the frame count and size the model was
/// trained on (<see cref="ClipSpec"/>); frame sequences and video files are brought to that size for you.
/// </summary>
/// <example><code>using var classifier = VideoClassifier.Load("model.safetensors", controller: "controller.safetensors",
///     new ClassifierOptions { Budget = 0.5f, Device = ComputeDevice.Auto });
/// var result = classifier.ClassifyVideo("walk.mp4");
/// Console.WriteLine($"{result.Name} ({result.Confidence:P0}), {result.ExecutedMacRatio:P0} of the dense MACs");</code></example>
public sealed class VideoClassifier : IDisposable
{
    private readonly PlanPool _plans;
    private readonly Lazy<VideoClipReader> _videos;

    private VideoClassifier(TrainedModel trained, ClassifierOptions options, PlanBackend backend, AapController? controller,
        float? scale, float? trainedBudget, double? calibratedMacRatio)
    {
        Architecture = trained.Spec.Architecture;
        Classes = trained.Spec.Classes;
        ClassNames = trained.ClassNames;
        ClipSpec = ClipOf(trained.Spec);
        Device = backend.Device;
        Scale = scale;
        TrainedBudget = trainedBudget;
        CalibratedMacRatio = calibratedMacRatio;
        var model = trained.Model;
        var clip = ClipSpec;
        _plans = new PlanPool(options.MaxConcurrency, () => backend.Compile(model, clip, controller, scale ?? 1f));
        string? ffmpeg = options.FfmpegDirectory;
        _videos = new Lazy<VideoClipReader>(() => new VideoClipReader(new VideoClipOptions { Spec = clip, FfmpegDirectory = ffmpeg }));
    }

    /// <summary>The model's architecture (a model-zoo name such as tiny-c3d or r3d-18).</summary>
    public string Architecture { get; }

    /// <summary>Number of classes (the length of the logits).</summary>
    public int Classes { get; }

    /// <summary>Class names in label order, where the checkpoint records them (checkpoints of dance train do); else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The clip size the model runs: [T, H, W, 3].</summary>
    public ClipSpec ClipSpec { get; }

    /// <summary>The device clips run on (<see cref="ComputeDevice.Cpu"/> or <see cref="ComputeDevice.Gpu"/>, never Auto).</summary>
    public ComputeDevice Device { get; }

    /// <summary>Whether DANCE's controller and masks run (false: the dense network).</summary>
    public bool IsGated => Scale is not null;

    /// <summary>The global scale on every threshold multiplier: the saved calibration or the one fitted to the budget; null when dense.</summary>
    public float? Scale { get; }

    /// <summary>The budget B the controller was trained for, where its checkpoint records it.</summary>
    public float? TrainedBudget { get; }

    /// <summary>Mean R(x) on the calibration clips at <see cref="Scale"/>, where a <see cref="ClassifierOptions.Budget"/> was fitted.</summary>
    public double? CalibratedMacRatio { get; }

    /// <summary>
    /// Loads a model checkpoint written by <c>dance train</c> (or <c>dance ava</c>) and, for DANCE-gated inference, the
    /// controller written by <c>dance aap</c> (or <c>dance demo</c>) for it, and compiles the first plan.
    /// </summary>
    /// <param name="model">The model checkpoint (.safetensors).</param>
    /// <param name="controller">The controller checkpoint; null runs the dense network.</param>
    /// <param name="options">Budget, device, concurrency; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">A file is corrupt, is not a dance checkpoint, or its tensors do not fit the
    /// architecture it records (the message names the file and the mismatch).</exception>
    /// <exception cref="ArgumentException">The controller was trained for another model, or a budget below 1 is asked
    /// without a controller or without calibration clips the model's dataset cannot provide.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The budget lies outside (0, 1] or MaxConcurrency is below 1.</exception>
    /// <exception cref="Cuda.CudaUnavailableException">ComputeDevice.Gpu was asked for where no GPU can be used.</exception>
    public static VideoClassifier Load(string model, string? controller = null, ClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ClassifierOptions();
        if (options.Budget is { } b && !(b > 0 && b <= 1))
            throw new ArgumentOutOfRangeException(nameof(ClassifierOptions.Budget), $"The budget must lie in (0, 1], got {b.ToString(CultureInfo.InvariantCulture)}.");
        if (options.MaxConcurrency < 1)
            throw new ArgumentOutOfRangeException(nameof(ClassifierOptions.MaxConcurrency), $"MaxConcurrency must be at least 1, got {options.MaxConcurrency}.");
        if (options.Budget < 1 && controller is null)
            throw new ArgumentException($"A budget of {options.Budget.Value.ToString(CultureInfo.InvariantCulture)} needs a DANCE controller (dance aap writes one); without one the model runs dense.", nameof(controller));

        var backend = ExecutionBackends.Select(options.Device);
        var trained = TrainedCheckpoint.Load(model);
        if (controller is null) return new VideoClassifier(trained, options, backend, null, null, null, null);

        if (trained.Model is not IGatedNetwork network)
            throw new ArgumentException($"{model} holds a {trained.Spec.Architecture}, which has no activation gates for a DANCE controller.", nameof(controller));
        var (aap, savedScale) = ControllerCheckpoint.Load(controller, trained.Spec.Architecture, network);
        float? trainedBudget = ModelCheckpoint.ReadMetadata(controller).TryGetValue("budget", out var text)
            && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float tb) ? tb : null;
        if (options.Budget is not { } budget) return new VideoClassifier(trained, options, backend, aap, savedScale, trainedBudget, null);
        if (budget == 1) return new VideoClassifier(trained, options, backend, null, null, trainedBudget, null);

        var clip = ClipOf(trained.Spec);
        var clips = BudgetCalibration.Clips(options.CalibrationClips, trained.Dataset, clip);
        var (scale, ratio) = BudgetCalibration.Fit(backend, trained.Model, trained.Spec.Classes, aap, clip, clips, budget);
        return new VideoClassifier(trained, options, backend, aap, scale, trainedBudget, ratio);
    }

    /// <summary>
    /// Classifies one clip ([T, H, W, 3] channels-last at <see cref="ClipSpec"/>, values in [0, 1]) and writes its logits
    /// into <paramref name="logits"/> (<see cref="Classes"/> long). Allocates nothing on the managed heap once every
    /// concurrent caller's plan has been compiled. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong; the message names it and the expected clip size.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public Prediction Classify(ReadOnlySpan<float> clip, Span<float> logits)
    {
        if (clip.Length != ClipSpec.ElementCount)
            throw new ArgumentException($"The clip has {clip.Length} values; {Architecture} takes {ClipSpec} clips (T x H x W x 3) of {ClipSpec.ElementCount}.", nameof(clip));
        if (logits.Length != Classes)
            throw new ArgumentException($"The logits span has {logits.Length} values; the model has {Classes} classes.", nameof(logits));
        var plan = _plans.Rent();
        try
        {
            plan.Run(clip, logits);
            return new Prediction(TensorPrimitives.IndexOfMax(logits), plan.ExecutedMacRatio, plan.MacRatio);
        }
        finally
        {
            _plans.Return(plan);
        }
    }

    /// <summary>Classifies one clip ([T, H, W, 3] channels-last at <see cref="ClipSpec"/>, values in [0, 1]). Thread-safe.</summary>
    /// <exception cref="ArgumentException">The clip has the wrong length; the message names it and the expected size.</exception>
    public Classification Classify(ReadOnlySpan<float> clip)
    {
        var logits = new float[Classes];
        var prediction = Classify(clip, logits);
        return Describe(prediction, logits);
    }

    /// <summary>Classifies a clip tensor of shape [T, H, W, 3] or [1, T, H, W, 3] at <see cref="ClipSpec"/>. Thread-safe.</summary>
    /// <exception cref="ArgumentException">The shape differs from the model's clip size or channel count; the message names both.</exception>
    public Classification Classify(Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var s = clip.Shape;
        bool fits = (s.Rank == 4 || (s.Rank == 5 && s[0] == 1))
            && s[^4] == ClipSpec.Frames && s[^3] == ClipSpec.Height && s[^2] == ClipSpec.Width && s[^1] == 3;
        if (!fits)
            throw new ArgumentException($"The clip tensor has shape {s}; {Architecture} takes [T, H, W, C] = [{ClipSpec.Frames}, {ClipSpec.Height}, {ClipSpec.Width}, 3] (or with a leading 1), RGB with 3 channels last.", nameof(clip));
        if (clip.IsContiguous) return Classify(clip.Span);
        using var dense = clip.Contiguous();
        return Classify(dense.Span);
    }

    /// <summary>
    /// Classifies a sequence of video frames, each packed rgb24 (<paramref name="height"/> rows of <paramref name="width"/>
    /// pixels of R, G, B bytes): the centred <see cref="ClipSpec"/>.Frames of them (a shorter sequence loops), each resized
    /// to cover the model's frame size with its aspect ratio kept and centre-cropped. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">There are no frames or a frame is not width x height x 3 bytes; the message names it.</exception>
    public Classification Classify(IReadOnlyList<byte[]> frames, int width, int height)
    {
        var clip = new float[ClipSpec.ElementCount];
        FrameSequence.ToClip(frames, width, height, ClipSpec, clip);
        return Classify(clip);
    }

    /// <summary>
    /// Classifies a video file decoded through ffmpeg: the centred <see cref="ClipSpec"/>.Frames frames (a shorter video
    /// loops), each scaled to cover the model's frame size with its aspect ratio kept and centre-cropped. Thread-safe.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist, or ffmpeg is not installed (the message says how to install it).</exception>
    /// <exception cref="ClipReadException">The file is not a readable video; the message names it and carries ffmpeg's error.</exception>
    public Classification ClassifyVideo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Video not found: {path}", path);
        var clip = new float[ClipSpec.ElementCount];
        _videos.Value.ReadClip(path, clip);
        return Classify(clip);
    }

    /// <summary>Frees the compiled plans. Calls still running finish first on their own plans, which are freed as they end.</summary>
    public void Dispose() => _plans.Dispose();

    /// <summary>Plans compiled so far (at most <see cref="ClassifierOptions.MaxConcurrency"/>).</summary>
    internal int CompiledPlans => _plans.Created;

    /// <summary>The clips a model of <paramref name="spec"/> was trained on: [T, size, size, 3].</summary>
    private static ClipSpec ClipOf(ModelSpec spec) => new(spec.Frames, spec.Size, spec.Size, 3);

    private Classification Describe(Prediction prediction, float[] logits)
    {
        var probabilities = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, probabilities);
        return new Classification(prediction.ClassIndex, ClassNames?[prediction.ClassIndex], logits, probabilities, prediction.ExecutedMacRatio, prediction.MacRatio);
    }
}
