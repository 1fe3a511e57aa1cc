using NativeDance.Peers.Onnx;
using NativeDance.Peers.Torch.Models;
using NativeDance.Pruning.Inference;
using TorchSharp;

namespace NativeDance.Bench.EndToEnd;

/// <summary>
/// One runtime running one model on a fixed set of clips, each in its own input layout (converted before timing):
/// <see cref="Prepare"/> selects the clip (untimed), <see cref="Run"/> is what the benchmark times.
/// </summary>
internal interface IContestant : IDisposable
{
    /// <summary>ours, libtorch or onnxruntime.</summary>
    string Runtime { get; }

    /// <summary>dense or gated.</summary>
    string Mode { get; }

    void Prepare(int clip);

    void Run();

    /// <summary>The logits of the last run.</summary>
    float[] Logits();
}

/// <summary>Our inference plan on channels-last clips [T, H, W, 3].</summary>
internal sealed class PlanContestant(InferencePlan plan, float[] clips) : IContestant
{
    private readonly float[] _logits = new float[plan.Classes];
    private int _clip;

    public string Runtime => "ours";

    public string Mode => plan.IsGated ? "gated" : "dense";

    public InferencePlan Plan => plan;

    public void Prepare(int clip) => _clip = clip;

    public void Run() => plan.Run(clips.AsSpan(_clip * plan.ClipLength, plan.ClipLength), _logits);

    public float[] Logits() => (float[])_logits.Clone();

    public void Dispose() => plan.Dispose();
}

/// <summary>The libtorch twin on clips [1, 3, T, H, W], gradients off; the twin and the clips stay the caller's.</summary>
internal sealed class TorchContestant(TorchVideoNet twin, torch.Tensor[] clips) : IContestant
{
    private torch.Tensor? _clip, _logits;

    public string Runtime => "libtorch";

    public string Mode => "dense";

    public void Prepare(int clip) => _clip = clips[clip];

    public void Run()
    {
        using var noGrad = torch.no_grad();
        _logits?.Dispose();
        _logits = twin.Forward(_clip!, training: false);
    }

    public float[] Logits() => _logits!.data<float>().ToArray();

    public void Dispose()
    {
        _logits?.Dispose();
        _logits = null;
    }
}

/// <summary>ONNX Runtime on the exported model; clips [1, 3, T, H, W] are copied into its input buffer by <see cref="Prepare"/>.</summary>
internal sealed class OrtContestant(OrtVideoNet ort, float[][] clips) : IContestant
{
    public string Runtime => "onnxruntime";

    public string Mode => "dense";

    public void Prepare(int clip) => clips[clip].CopyTo(ort.Input);

    public void Run() => ort.Run();

    public float[] Logits() => ort.Logits.ToArray();

    public void Dispose() => ort.Dispose();
}
