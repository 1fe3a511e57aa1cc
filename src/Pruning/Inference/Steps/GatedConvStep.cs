using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeDance.Pruning.Dance;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Ops;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// A gated conv for one clip: DANCE's three masks on its input, computed as <see cref="SampleMasks"/> does (frames:
/// phi_t &gt;= kF * mean phi, at least one kept; channels over the kept frames: psi_c &gt;= kC * mean psi; features: x &gt; 0
/// and x &gt;= kE * mean of the kept frames and channels), then <see cref="GatedConv3d"/>'s Forward (weights prepared
/// once, <see cref="GatedConv3dWeights"/>) on the masked input with
/// the kept frames and channels as its <see cref="Conv3dInputMask"/> and the counted density, so it picks the
/// dense-compacted or the sparse-input kernel. Where the sparse kernel's plane form runs, the feature mask is applied
/// by its compaction (<see cref="GatedConv3d.TryForwardFeatureMasked(in Conv3dGeometry, ReadOnlySpan{float}, float, GatedConv3dWeights, Span{float}, Conv3dInputMask, out ConvWorkCounters, out long)"/>),
/// which counts the survivors and takes the dense kernel's side only above the crossover: one pass over the input
/// besides the statistics (which fuse a pending ReLU). Otherwise a masking pass writes the masked input (fusing the
/// count of survivors), in place, or into a buffer of its own when the input is also read elsewhere (a residual
/// block's shortcut, which then also gets the ReLU written back).
/// A max pool that follows the conv can be fused in (<see cref="FusePool"/>): the sparse kernel then pools in its
/// copy-out and never writes the conv's full output.
/// </summary>
internal sealed unsafe class GatedConvStep : PlanStep
{
    private readonly int _layer;
    private readonly int _gate;
    private readonly Conv3dGeometry _g;
    private readonly FoldedConv _weights;
    private GatedConv3dWeights? _prepared;
    private readonly PlanValue _input;
    private readonly PlanValue _masked;
    private readonly PlanValue _output;
    private Pool3dGeometry? _pool;
    private PlanValue? _pooled;
    private readonly bool _rectify;
    private readonly int _frames, _pixels, _channels;
    private readonly long[] _frameFan;
    private readonly double _denseExecutedMacs;
    // False when another step leaves the input's per-frame channel sums in _sums.
    private readonly bool _statistics;
    // Scratch, pinned (allocated once on the pinned heap) so the parallel passes can hold pointers to it.
    private readonly int[] _pixelFan;
    private readonly float[] _sums;
    private readonly int[] _keptFrames;
    private readonly int[] _keptChannels;
    private readonly int[] _channelBits;
    private readonly long[] _keptPerFrame;
    private readonly long[] _reachPerFrame;
    private readonly float[] _frameScores;
    private readonly float[] _channelScores;
    private readonly double[] _channelSums;

    // sharedSums: per-frame channel sums of the input that an earlier step computes each run (the controller's, on A_1),
    // or null; with them the statistics pass is skipped. Only where that pass would write nothing back.
    public GatedConvStep(string name, int layer, GateGeometry gate, FoldedConv weights, PlanValue input, PlanValue masked, PlanValue output, bool rectify,
        float[]? sharedSums = null)
        : base(name)
    {
        _layer = layer;
        _gate = gate.Gate.Index;
        _g = gate.Conv;
        _weights = weights;
        _input = input;
        _masked = masked;
        _output = output;
        _rectify = rectify;
        _frames = _g.Input.T;
        _pixels = _g.Input.H * _g.Input.W;
        _channels = _g.InChannels;
        _frameFan = gate.FanT.Select(f => (long)f).ToArray();
        _denseExecutedMacs = gate.DenseExecutedMacs;
        _pixelFan = Pinned<int>(_pixels);
        for (int p = 0; p < _pixels; p++) _pixelFan[p] = (int)(gate.FanH[p / _g.Input.W] * gate.FanW[p % _g.Input.W]);
        _statistics = sharedSums is null;
        if (!_statistics && (rectify && masked != input || sharedSums!.Length != _frames * _channels))
            throw new ArgumentException($"Gate {name} can take shared sums only of its own input's {_frames} x {_channels} sums and when it writes no ReLU back.", nameof(sharedSums));
        _sums = sharedSums ?? Pinned<float>(_frames * _channels);
        _keptFrames = Pinned<int>(_frames);
        _keptChannels = Pinned<int>(_channels);
        _channelBits = Pinned<int>(_channels);
        _keptPerFrame = Pinned<long>(_frames);
        _reachPerFrame = Pinned<long>(_frames);
        _frameScores = new float[_frames];
        _channelScores = new float[_channels];
        _channelSums = new double[_channels];
    }

    public Conv3dGeometry Geometry => _g;

    public override int ConvLayer => _layer;

    // What another executor (the GPU plan) needs to run the same step.
    public int Gate => _gate;
    public FoldedConv Weights => _weights;
    public PlanValue Input => _input;
    public PlanValue Masked => _masked;
    public bool Rectify => _rectify;
    public bool SharesSums => !_statistics;
    public ReadOnlySpan<int> PixelFan => _pixelFan.AsSpan(0, _pixels);
    public ReadOnlySpan<long> FrameFan => _frameFan;
    public double DenseExecutedMacs => _denseExecutedMacs;

    /// <summary>The max pool taken over by <see cref="FusePool"/>, and where it writes; null when none.</summary>
    public Pool3dGeometry? Pool => _pool;
    public PlanValue? Pooled => _pooled;

    /// <summary>The conv's output: what a following pool would read.</summary>
    public PlanValue Output => _output;

    public override IEnumerable<PlanValue> Values => _pooled is null ? [_input, _masked, _output] : [_input, _masked, _output, _pooled];

    /// <summary>Takes over the max pool <paramref name="pool"/> from the conv's output into <paramref name="pooled"/>, which must be the output's only reader.</summary>
    public void FusePool(Pool3dGeometry pool, PlanValue pooled)
    {
        _pool = pool;
        _pooled = pooled;
        Name += "+pool";
    }

    public override void Prepare() => _prepared = new GatedConv3dWeights(_g, _weights.Weight, _weights.Bias);

    public override void Run(PlanState state)
    {
        long start = state.CollectTimings ? Stopwatch.GetTimestamp() : 0;
        float* x = state.Pointer(_input);
        if (_statistics)
        {
            var statistics = new GatePasses.Statistics
            {
                Input = x, Sums = Address(_sums), Pixels = _pixels, Channels = _channels, Rectify = _rectify, WriteBack = _rectify && _masked != _input,
            };
            GatePasses.Run(_frames, _input.Length, ref statistics);
        }
        var k = state.Multipliers.AsSpan(3 * _gate, 3);
        int keptFrames = KeepFrames(k[0]);
        var (keptChannels, featureThreshold) = KeepChannels(keptFrames, k[1], k[2]);
        var mask = state.Mask!;
        mask.Refill(_keptFrames.AsSpan(0, keptFrames), _keptChannels.AsSpan(0, keptChannels));
        if (state.CollectTimings) state.GateMaskSeconds[_gate] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // The sparse kernel applies the feature mask as it compacts the input: no masked copy is written.
        ConvWorkCounters work = default;
        long keptFeatures = 0;
        bool fused = keptChannels > 0 && (_pool is { } fusedPool
            ? GatedConv3d.TryForwardFeatureMasked(_g, state.Span(_input), featureThreshold, _prepared!, state.Span(_output), fusedPool, state.Span(_pooled!), mask, out work, out keptFeatures)
            : GatedConv3d.TryForwardFeatureMasked(_g, state.Span(_input), featureThreshold, _prepared!, state.Span(_output), mask, out work, out keptFeatures));
        if (fused)
        {
            state.LayerWork[_layer] = work;
            // The sparse kernel's MACs are each kept value times the output positions it reaches times Cout: METHOD's count.
            state.Gates[_gate] = new GateCounts(_frames, keptFrames, _channels, keptChannels, _pixels, keptFeatures, work.Macs, _denseExecutedMacs,
                GatedConvPath.SparseInput);
            return;
        }
        long reach = 0;
        keptFeatures = 0;
        if (keptChannels > 0)
        {
            var masking = new GatePasses.Masking
            {
                Input = x, Output = state.Pointer(_masked), KeptFrames = Address(_keptFrames), PixelFan = Address(_pixelFan),
                ChannelBits = Address(_channelBits), Kept = Address(_keptPerFrame), Reach = Address(_reachPerFrame),
                Pixels = _pixels, Channels = _channels, Threshold = featureThreshold,
            };
            GatePasses.Run(keptFrames, keptFrames * _pixels * _channels, ref masking);
            for (int i = 0; i < keptFrames; i++)
            {
                keptFeatures += _keptPerFrame[i];
                reach += _frameFan[_keptFrames[i]] * _reachPerFrame[i];
            }
        }
        long region = (long)keptFrames * keptChannels * _pixels;
        double density = region == 0 ? 0 : (double)keptFeatures / region;
        var path = _pool is { } pool
            ? GatedConv3d.Forward(_g, state.Span(_masked), _prepared!, state.Span(_output), pool, state.Span(_pooled!), mask, out work, density)
            : GatedConv3d.Forward(_g, state.Span(_masked), _prepared!, state.Span(_output), mask, out work, density);
        state.LayerWork[_layer] = work;
        state.Gates[_gate] = new GateCounts(_frames, keptFrames, _channels, keptChannels, _pixels, keptFeatures,
            reach * _g.OutChannels, _denseExecutedMacs, path);
    }

    /// <summary>Frame mask: phi_t = mean of frame t; keep phi_t &gt;= kF * mean phi, else the strongest frame. Returns the kept count.</summary>
    private int KeepFrames(float kF)
    {
        int frameLength = _pixels * _channels;
        for (int t = 0; t < _frames; t++)
        {
            double sum = 0;
            foreach (float s in _sums.AsSpan(t * _channels, _channels)) sum += s;
            _frameScores[t] = (float)(sum / frameLength);
        }
        float threshold = kF * Mean(_frameScores);
        int kept = 0, best = 0;
        for (int t = 0; t < _frames; t++)
        {
            if (_frameScores[t] >= threshold) _keptFrames[kept++] = t;
            if (_frameScores[t] > _frameScores[best]) best = t;
        }
        if (kept == 0) _keptFrames[kept++] = best;
        return kept;
    }

    /// <summary>Channel mask over the kept frames and the feature threshold kE * mean of the kept frames and channels.</summary>
    private (int Kept, float FeatureThreshold) KeepChannels(int keptFrames, float kC, float kE)
    {
        Array.Clear(_channelSums);
        for (int i = 0; i < keptFrames; i++)
        {
            var sums = _sums.AsSpan(_keptFrames[i] * _channels, _channels);
            for (int c = 0; c < _channels; c++) _channelSums[c] += sums[c];
        }
        double count = (double)keptFrames * _pixels;
        for (int c = 0; c < _channels; c++) _channelScores[c] = (float)(_channelSums[c] / count);
        float threshold = kC * Mean(_channelScores);
        int kept = 0;
        double keptSum = 0;
        for (int c = 0; c < _channels; c++)
        {
            bool keep = _channelScores[c] >= threshold;
            _channelBits[c] = keep ? -1 : 0;
            if (!keep) continue;
            _keptChannels[kept++] = c;
            keptSum += _channelSums[c];
        }
        float featureScale = kept == 0 ? 0f : (float)(keptSum / (count * kept));
        return (kept, kE * featureScale);
    }

    private static float Mean(float[] values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return (float)(sum / Math.Max(1, values.Length));
    }

    private static T[] Pinned<T>(int length) where T : unmanaged => GC.AllocateArray<T>(Math.Max(1, length), pinned: true);

    private static T* Address<T>(T[] pinned) where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
