using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NativeDance.Tensors.Conv;
using NativeDance.Tensors.Threading;

namespace NativeDance.Pruning.Inference.Steps;

/// <summary>
/// A direct conv for inputs with very few channels (the RGB stem), where the implicit GEMM is weak: its reduction is
/// made of Cin-long pieces (3 floats) and Cout (16-64) fills a fraction of its tile. Here each output row (to, ho) runs
/// blocks of P output pixels by V vectors of output channels, P x V = 16 accumulators (8 with 256-bit vectors): per
/// (tap, input channel) V weight vectors are loaded and P inputs broadcast, and every pair meets in one multiply-add,
/// so the loads per multiply-add are (P + V) / 16: 17/16 for one vector (Cout 16), 10/16 for two, 8/16 for four (Cout
/// 64, the C3D and R3D stems). Loads, not multiply-adds, bound this kernel, so the widest V that divides Cout wins.
/// With dilation 1 along W a tap row's kW x Cin inputs and weights are one run, one loop. The input is first
/// copied into a zero-padded buffer so no tap needs a bounds check; the buffer has slack at its end because the last
/// block of a row computes (and discards) pixels past the row. A following ReLU can be fused into the store.
/// </summary>
internal static unsafe class FewChannelConv3d
{
    /// <summary>Most output pixels per block: one accumulator each (16 with AVX-512's 32 registers, 8 with 16).</summary>
    public const int Pixels = 16;

    /// <summary>Weights up to this size stay in a 48 KiB L1 data cache next to the input rows a block reads.</summary>
    private const int L1WeightBytes = 32 << 10;

    /// <summary>The most input channels this kernel is meant for.</summary>
    public const int MaxInChannels = 4;

    /// <summary>Whether the kernel runs <paramref name="g"/>: batch 1, dense, few input channels, Cout a multiple of the vector width.</summary>
    public static bool Supports(in Conv3dGeometry g) =>
        g.Batch == 1 && g.Groups == 1 && g.InChannels <= MaxInChannels && Lanes(g.OutChannels) > 0;

    /// <summary>Floats of the padded input buffer <see cref="Forward"/> needs.</summary>
    public static int PaddedLength(in Conv3dGeometry g) =>
        checked((g.Input.T + 2 * g.Padding.T) * (g.Input.H + 2 * g.Padding.H) * (g.Input.W + 2 * g.Padding.W) * g.InChannels
            + Pixels * g.Stride.W * g.InChannels);

    /// <summary>
    /// output = conv(input, weight) + bias, then max(., 0) when <paramref name="rectify"/>, using <paramref name="padded"/>
    /// (<see cref="PaddedLength"/> floats) as scratch.
    /// </summary>
    /// <exception cref="ArgumentException">The kernel does not support the conv, or a length does not match.</exception>
    public static void Forward(in Conv3dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> padded, bool rectify = false)
    {
        if (!Supports(g)) throw new ArgumentException($"The few-channel conv does not run conv {g}.", nameof(g));
        if (input.Length != g.InputLength) g.RequireLength(nameof(input), input.Length, g.InputLength, g.InputShape);
        if (weight.Length != g.WeightLength) g.RequireLength(nameof(weight), weight.Length, g.WeightLength, g.WeightShape);
        if (output.Length != g.OutputLength) g.RequireLength(nameof(output), output.Length, g.OutputLength, g.OutputShape);
        if (bias.Length != g.OutChannels) g.RequireLength(nameof(bias), bias.Length, g.OutChannels, new Tensors.Shape(g.OutChannels));
        if (padded.Length != PaddedLength(g))
            throw new ArgumentException($"The padded buffer has {padded.Length} floats; conv {g} needs {PaddedLength(g)}.", nameof(padded));
        fixed (float* source = input, x = padded, w = weight, b = bias, y = output)
        {
            var frames = new PaddedFrames(g, source, x);
            ParallelFor.Run(g.Input.T + 2 * g.Padding.T, ref frames);
            int lanes = Lanes(g.OutChannels), vectors = g.OutChannels / lanes;
            // Four vectors per block load four weight vectors per multiply-add step: when the weights do not fit the L1
            // cache, those loads come from L2 and two vectors per block (twice the pixels per weight load) run faster.
            if (vectors % 4 == 0 && (long)g.WeightLength * sizeof(float) > L1WeightBytes) vectors = 2;
            if (lanes == 16) Run<Lanes512, Vector512<float>>(g, x, w, b, y, rectify, vectors);
            else Run<Lanes256, Vector256<float>>(g, x, w, b, y, rectify, vectors);
        }
    }

    /// <summary>The vector width for <paramref name="outChannels"/>: 16 or 8 lanes where accelerated and dividing it, else 0.</summary>
    private static int Lanes(int outChannels) =>
        Vector512.IsHardwareAccelerated && outChannels % 16 == 0 ? 16 : Vector256.IsHardwareAccelerated && outChannels % 8 == 0 ? 8 : 0;

    /// <summary>Runs the rows with the widest block of output-channel vectors (4, 2 or 1) that divides <paramref name="vectors"/>.</summary>
    private static void Run<TLanes, TVec>(in Conv3dGeometry g, float* x, float* w, float* b, float* y, bool rectify, int vectors)
        where TLanes : ILanes<TVec> where TVec : unmanaged
    {
        if (vectors % 4 == 0) Run<TLanes, TVec, FourVectors>(g, x, w, b, y, rectify);
        else if (vectors % 2 == 0) Run<TLanes, TVec, TwoVectors>(g, x, w, b, y, rectify);
        else if (g.Kernel.W == 3 && g.Stride.W == 2 && g.Dilation.W == 1) Run<TLanes, TVec, OneVectorStrideTwo>(g, x, w, b, y, rectify);
        else Run<TLanes, TVec, OneVector>(g, x, w, b, y, rectify);
    }

    private static void Run<TLanes, TVec, TBlock>(in Conv3dGeometry g, float* x, float* w, float* b, float* y, bool rectify)
        where TLanes : ILanes<TVec> where TVec : unmanaged where TBlock : IBlockVectors
    {
        var rows = new Rows<TLanes, TVec, TBlock>
        {
            G = g, Input = x, Weight = w, Bias = b, Output = y, Rectify = rectify,
            PaddedHeight = g.Input.H + 2 * g.Padding.H, PaddedWidth = g.Input.W + 2 * g.Padding.W,
        };
        ParallelFor.Run(g.Output.T * g.Output.H, ref rows);
    }

    /// <summary>
    /// One task per padded frame: copies the input frame into the middle of its padded plane and zeroes the borders,
    /// or zeroes the whole plane of a padding frame; the last task also zeroes the slack after the last plane.
    /// Spread over the threads because the copy is a tenth of the stem's time.
    /// </summary>
    private readonly struct PaddedFrames : IParallelBody
    {
        private readonly float* _input, _padded;
        private readonly int _frames, _height, _channels, _padT, _padH, _padW, _frameCount;
        private readonly long _slack;

        public PaddedFrames(in Conv3dGeometry g, float* input, float* padded)
        {
            _input = input;
            _padded = padded;
            _frames = g.Input.T;
            _height = g.Input.H;
            _channels = g.Input.W * g.InChannels;
            _padT = g.Padding.T;
            _padH = g.Padding.H;
            _padW = g.Padding.W * g.InChannels;
            _frameCount = g.Input.T + 2 * g.Padding.T;
            _slack = PaddedLength(g) - (long)_frameCount * Plane;
        }

        private int Width => _channels + 2 * _padW;

        private int Plane => (_height + 2 * _padH) * Width;

        public void Invoke(int frame)
        {
            int width = Width, plane = Plane, t = frame - _padT;
            var padded = new Span<float>(_padded + (long)frame * plane, plane);
            if (frame == _frameCount - 1) new Span<float>(_padded + (long)_frameCount * plane, (int)_slack).Clear();
            if (t < 0 || t >= _frames)
            {
                padded.Clear();
                return;
            }
            padded[..(_padH * width)].Clear();
            padded[((_height + _padH) * width)..].Clear();
            for (int h = 0; h < _height; h++)
            {
                var row = padded.Slice((h + _padH) * width, width);
                row[.._padW].Clear();
                new ReadOnlySpan<float>(_input + ((long)t * _height + h) * _channels, _channels).CopyTo(row.Slice(_padW, _channels));
                row[(_padW + _channels)..].Clear();
            }
        }
    }

    /// <summary>One task per output row (to, ho): every block of pixels and output-channel vectors of the row.</summary>
    private struct Rows<TLanes, TVec, TBlock> : IParallelBody where TLanes : ILanes<TVec> where TVec : unmanaged where TBlock : IBlockVectors
    {
        public Conv3dGeometry G;
        public float* Input, Weight, Bias, Output;
        public int PaddedHeight, PaddedWidth;
        public bool Rectify;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int row)
        {
            // Accumulator i holds pixel i / V, output-channel vector i % V of the block (folded to constants per V).
            int v = TBlock.Vectors, pixels = TLanes.Pixels / v, lanes = TLanes.Count;
            int cin = G.InChannels, cout = G.OutChannels, step = G.Stride.W * cin;
            int to = row / G.Output.H, ho = row % G.Output.H;
            long rowStride = (long)PaddedWidth * cin, frameStride = PaddedHeight * rowStride;
            // With dilation 1 along W, one pixel's kW x Cin inputs of a tap row are one run, and so are their weights.
            int runs = G.Dilation.W == 1 ? 1 : G.Kernel.W, run = G.Dilation.W == 1 ? G.Kernel.W * cin : cin, runGap = G.Dilation.W * cin;
            // Input offsets of the block's pixels 1-7 (and of pixel 8, where the second half starts), hoisted into registers.
            nint s1 = step, s2 = 2 * s1, s3 = 3 * s1, s4 = 4 * s1, s5 = 5 * s1, s6 = 6 * s1, s7 = 7 * s1, half = 8 * s1;
            float* output = Output + (long)row * G.Output.W * cout;
            for (int ow = 0; ow < G.Output.W; ow += pixels)
            for (int co = 0; co < cout; co += v * lanes)
            {
                float* b = Bias + co;
                TVec a0 = TLanes.Load(b), a1 = TLanes.Load(b + 1 % v * lanes), a2 = TLanes.Load(b + 2 % v * lanes), a3 = TLanes.Load(b + 3 % v * lanes);
                TVec a4 = a0, a5 = a1, a6 = a2, a7 = a3, a8 = a0, a9 = a1, a10 = a2, a11 = a3, a12 = a0, a13 = a1, a14 = a2, a15 = a3;
                float* w = Weight + co;
                for (int kt = 0; kt < G.Kernel.T; kt++)
                for (int kh = 0; kh < G.Kernel.H; kh++)
                {
                    float* line = Input + (to * G.Stride.T + kt * G.Dilation.T) * frameStride + (ho * G.Stride.H + kh * G.Dilation.H) * rowStride + (long)ow * step;
                    if (TBlock.PairsEvenColumns)
                    {
                        // kW = 3 at stride 2: even input column 2q feeds pixel q through kw = 0 and pixel q - 1 through
                        // kw = 2, so one broadcast serves two multiply-adds; odd column 2q + 1 feeds pixel q through kw = 1.
                        // 36 loads per 48 multiply-adds where the plain block takes 51.
                        long kwStride = (long)cin * cout;
                        for (int ci = 0; ci < cin; ci++, w += cout)
                        {
                            float* x = line + ci, x8 = x + half, xo = x + cin, xo8 = xo + half;
                            TVec w0 = TLanes.Load(w), w1 = TLanes.Load(w + kwStride), w2 = TLanes.Load(w + 2 * kwStride);
                            TVec e = TLanes.Broadcast(x[0]);
                            a0 = TLanes.MultiplyAdd(e, w0, a0);
                            e = TLanes.Broadcast(x[s1]);
                            (a1, a0) = (TLanes.MultiplyAdd(e, w0, a1), TLanes.MultiplyAdd(e, w2, a0));
                            e = TLanes.Broadcast(x[s2]);
                            (a2, a1) = (TLanes.MultiplyAdd(e, w0, a2), TLanes.MultiplyAdd(e, w2, a1));
                            e = TLanes.Broadcast(x[s3]);
                            (a3, a2) = (TLanes.MultiplyAdd(e, w0, a3), TLanes.MultiplyAdd(e, w2, a2));
                            e = TLanes.Broadcast(x[s4]);
                            (a4, a3) = (TLanes.MultiplyAdd(e, w0, a4), TLanes.MultiplyAdd(e, w2, a3));
                            e = TLanes.Broadcast(x[s5]);
                            (a5, a4) = (TLanes.MultiplyAdd(e, w0, a5), TLanes.MultiplyAdd(e, w2, a4));
                            e = TLanes.Broadcast(x[s6]);
                            (a6, a5) = (TLanes.MultiplyAdd(e, w0, a6), TLanes.MultiplyAdd(e, w2, a5));
                            e = TLanes.Broadcast(x[s7]);
                            (a7, a6) = (TLanes.MultiplyAdd(e, w0, a7), TLanes.MultiplyAdd(e, w2, a6));
                            e = TLanes.Broadcast(x8[0]);
                            a7 = TLanes.MultiplyAdd(e, w2, a7);
                            a0 = TLanes.MultiplyAdd(xo[0], w1, a0);
                            a1 = TLanes.MultiplyAdd(xo[s1], w1, a1);
                            a2 = TLanes.MultiplyAdd(xo[s2], w1, a2);
                            a3 = TLanes.MultiplyAdd(xo[s3], w1, a3);
                            a4 = TLanes.MultiplyAdd(xo[s4], w1, a4);
                            a5 = TLanes.MultiplyAdd(xo[s5], w1, a5);
                            a6 = TLanes.MultiplyAdd(xo[s6], w1, a6);
                            a7 = TLanes.MultiplyAdd(xo[s7], w1, a7);
                            if (TLanes.Pixels <= 8) continue;
                            a8 = TLanes.MultiplyAdd(e, w0, a8);
                            e = TLanes.Broadcast(x8[s1]);
                            (a9, a8) = (TLanes.MultiplyAdd(e, w0, a9), TLanes.MultiplyAdd(e, w2, a8));
                            e = TLanes.Broadcast(x8[s2]);
                            (a10, a9) = (TLanes.MultiplyAdd(e, w0, a10), TLanes.MultiplyAdd(e, w2, a9));
                            e = TLanes.Broadcast(x8[s3]);
                            (a11, a10) = (TLanes.MultiplyAdd(e, w0, a11), TLanes.MultiplyAdd(e, w2, a10));
                            e = TLanes.Broadcast(x8[s4]);
                            (a12, a11) = (TLanes.MultiplyAdd(e, w0, a12), TLanes.MultiplyAdd(e, w2, a11));
                            e = TLanes.Broadcast(x8[s5]);
                            (a13, a12) = (TLanes.MultiplyAdd(e, w0, a13), TLanes.MultiplyAdd(e, w2, a12));
                            e = TLanes.Broadcast(x8[s6]);
                            (a14, a13) = (TLanes.MultiplyAdd(e, w0, a14), TLanes.MultiplyAdd(e, w2, a13));
                            e = TLanes.Broadcast(x8[s7]);
                            (a15, a14) = (TLanes.MultiplyAdd(e, w0, a15), TLanes.MultiplyAdd(e, w2, a14));
                            a15 = TLanes.MultiplyAdd(x8[half], w2, a15);
                            a8 = TLanes.MultiplyAdd(xo8[0], w1, a8);
                            a9 = TLanes.MultiplyAdd(xo8[s1], w1, a9);
                            a10 = TLanes.MultiplyAdd(xo8[s2], w1, a10);
                            a11 = TLanes.MultiplyAdd(xo8[s3], w1, a11);
                            a12 = TLanes.MultiplyAdd(xo8[s4], w1, a12);
                            a13 = TLanes.MultiplyAdd(xo8[s5], w1, a13);
                            a14 = TLanes.MultiplyAdd(xo8[s6], w1, a14);
                            a15 = TLanes.MultiplyAdd(xo8[s7], w1, a15);
                        }
                        w += 2 * kwStride;
                        continue;
                    }
                    for (int r = 0; r < runs; r++)
                    {
                        float* x = line + r * runGap;
                        for (int j = 0; j < run; j++, x++, w += cout)
                        {
                            TVec w0 = TLanes.Load(w);
                            if (v == 1)
                            {
                                a0 = TLanes.MultiplyAdd(x[0], w0, a0);
                                a1 = TLanes.MultiplyAdd(x[s1], w0, a1);
                                a2 = TLanes.MultiplyAdd(x[s2], w0, a2);
                                a3 = TLanes.MultiplyAdd(x[s3], w0, a3);
                                a4 = TLanes.MultiplyAdd(x[s4], w0, a4);
                                a5 = TLanes.MultiplyAdd(x[s5], w0, a5);
                                a6 = TLanes.MultiplyAdd(x[s6], w0, a6);
                                a7 = TLanes.MultiplyAdd(x[s7], w0, a7);
                                if (TLanes.Pixels > 8)
                                {
                                    float* x8 = x + half;
                                    a8 = TLanes.MultiplyAdd(x8[0], w0, a8);
                                    a9 = TLanes.MultiplyAdd(x8[s1], w0, a9);
                                    a10 = TLanes.MultiplyAdd(x8[s2], w0, a10);
                                    a11 = TLanes.MultiplyAdd(x8[s3], w0, a11);
                                    a12 = TLanes.MultiplyAdd(x8[s4], w0, a12);
                                    a13 = TLanes.MultiplyAdd(x8[s5], w0, a13);
                                    a14 = TLanes.MultiplyAdd(x8[s6], w0, a14);
                                    a15 = TLanes.MultiplyAdd(x8[s7], w0, a15);
                                }
                                continue;
                            }
                            TVec w1 = TLanes.Load(w + lanes);
                            TVec x0 = TLanes.Broadcast(x[0]), x1 = TLanes.Broadcast(x[s1]);
                            if (v == 2)
                            {
                                TVec x2 = TLanes.Broadcast(x[s2]), x3 = TLanes.Broadcast(x[s3]);
                                (a0, a1) = (TLanes.MultiplyAdd(x0, w0, a0), TLanes.MultiplyAdd(x0, w1, a1));
                                (a2, a3) = (TLanes.MultiplyAdd(x1, w0, a2), TLanes.MultiplyAdd(x1, w1, a3));
                                (a4, a5) = (TLanes.MultiplyAdd(x2, w0, a4), TLanes.MultiplyAdd(x2, w1, a5));
                                (a6, a7) = (TLanes.MultiplyAdd(x3, w0, a6), TLanes.MultiplyAdd(x3, w1, a7));
                                if (TLanes.Pixels <= 8) continue;
                                TVec x4 = TLanes.Broadcast(x[s4]), x5 = TLanes.Broadcast(x[s5]), x6 = TLanes.Broadcast(x[s6]), x7 = TLanes.Broadcast(x[s7]);
                                (a8, a9) = (TLanes.MultiplyAdd(x4, w0, a8), TLanes.MultiplyAdd(x4, w1, a9));
                                (a10, a11) = (TLanes.MultiplyAdd(x5, w0, a10), TLanes.MultiplyAdd(x5, w1, a11));
                                (a12, a13) = (TLanes.MultiplyAdd(x6, w0, a12), TLanes.MultiplyAdd(x6, w1, a13));
                                (a14, a15) = (TLanes.MultiplyAdd(x7, w0, a14), TLanes.MultiplyAdd(x7, w1, a15));
                                continue;
                            }
                            TVec w2 = TLanes.Load(w + 2 * lanes), w3 = TLanes.Load(w + 3 * lanes);
                            (a0, a1, a2, a3) = (TLanes.MultiplyAdd(x0, w0, a0), TLanes.MultiplyAdd(x0, w1, a1), TLanes.MultiplyAdd(x0, w2, a2), TLanes.MultiplyAdd(x0, w3, a3));
                            (a4, a5, a6, a7) = (TLanes.MultiplyAdd(x1, w0, a4), TLanes.MultiplyAdd(x1, w1, a5), TLanes.MultiplyAdd(x1, w2, a6), TLanes.MultiplyAdd(x1, w3, a7));
                            if (TLanes.Pixels <= 8) continue;
                            TVec x2b = TLanes.Broadcast(x[s2]), x3b = TLanes.Broadcast(x[s3]);
                            (a8, a9, a10, a11) = (TLanes.MultiplyAdd(x2b, w0, a8), TLanes.MultiplyAdd(x2b, w1, a9), TLanes.MultiplyAdd(x2b, w2, a10), TLanes.MultiplyAdd(x2b, w3, a11));
                            (a12, a13, a14, a15) = (TLanes.MultiplyAdd(x3b, w0, a12), TLanes.MultiplyAdd(x3b, w1, a13), TLanes.MultiplyAdd(x3b, w2, a14), TLanes.MultiplyAdd(x3b, w3, a15));
                        }
                    }
                }
                float* y = output + (long)ow * cout + co;
                int count = Math.Min(pixels, G.Output.W - ow);
                Store(a0, y, 0, count, cout);
                Store(a1, y, 1, count, cout);
                Store(a2, y, 2, count, cout);
                Store(a3, y, 3, count, cout);
                Store(a4, y, 4, count, cout);
                Store(a5, y, 5, count, cout);
                Store(a6, y, 6, count, cout);
                Store(a7, y, 7, count, cout);
                if (TLanes.Pixels <= 8) continue;
                Store(a8, y, 8, count, cout);
                Store(a9, y, 9, count, cout);
                Store(a10, y, 10, count, cout);
                Store(a11, y, 11, count, cout);
                Store(a12, y, 12, count, cout);
                Store(a13, y, 13, count, cout);
                Store(a14, y, 14, count, cout);
                Store(a15, y, 15, count, cout);
            }
        }

        /// <summary>Stores accumulator <paramref name="i"/> (pixel i / V, vector i % V of the block) unless its pixel is past the row's end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Store(TVec value, float* block, int i, int count, int cout)
        {
            int pixel = i / TBlock.Vectors;
            if (pixel < count) TLanes.Store(Rectify ? TLanes.Rectify(value) : value, block + pixel * cout + i % TBlock.Vectors * TLanes.Count);
        }
    }

    /// <summary>Output-channel vectors per block, as a type, so each block shape compiles to its own loop.</summary>
    private interface IBlockVectors
    {
        static abstract int Vectors { get; }

        /// <summary>One vector, kW = 3 at stride 2 and dilation 1 along W: each even input column's broadcast feeds two pixels.</summary>
        static virtual bool PairsEvenColumns => false;
    }

    private readonly struct OneVector : IBlockVectors
    {
        public static int Vectors => 1;
    }

    private readonly struct OneVectorStrideTwo : IBlockVectors
    {
        public static int Vectors => 1;

        public static bool PairsEvenColumns => true;
    }

    private readonly struct TwoVectors : IBlockVectors
    {
        public static int Vectors => 2;
    }

    private readonly struct FourVectors : IBlockVectors
    {
        public static int Vectors => 4;
    }

    /// <summary>The vector operations the kernel needs, for one vector width.</summary>
    private interface ILanes<TVec> where TVec : unmanaged
    {
        static abstract int Count { get; }

        /// <summary>Output pixels per block: as many accumulators as leave registers for the weight and the broadcasts.</summary>
        static abstract int Pixels { get; }

        static abstract TVec Load(float* source);

        static abstract void Store(TVec value, float* destination);

        /// <summary>accumulator + x * w, fused.</summary>
        static abstract TVec MultiplyAdd(float x, TVec w, TVec accumulator);

        /// <summary>accumulator + x * w, fused, for an x already broadcast.</summary>
        static abstract TVec MultiplyAdd(TVec x, TVec w, TVec accumulator);

        /// <summary>x in every lane.</summary>
        static abstract TVec Broadcast(float x);

        /// <summary>max(value, 0).</summary>
        static abstract TVec Rectify(TVec value);
    }

    private readonly struct Lanes512 : ILanes<Vector512<float>>
    {
        public static int Count => 16;

        public static int Pixels => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* source) => Vector512.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(float x, Vector512<float> w, Vector512<float> accumulator) =>
            Vector512.FusedMultiplyAdd(Vector512.Create(x), w, accumulator);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> x, Vector512<float> w, Vector512<float> accumulator) =>
            Vector512.FusedMultiplyAdd(x, w, accumulator);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float x) => Vector512.Create(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Rectify(Vector512<float> value) => Vector512.Max(value, Vector512<float>.Zero);
    }

    private readonly struct Lanes256 : ILanes<Vector256<float>>
    {
        public static int Count => 8;

        public static int Pixels => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* source) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(float x, Vector256<float> w, Vector256<float> accumulator) =>
            Vector256.FusedMultiplyAdd(Vector256.Create(x), w, accumulator);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> w, Vector256<float> accumulator) =>
            Vector256.FusedMultiplyAdd(x, w, accumulator);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float x) => Vector256.Create(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Rectify(Vector256<float> value) => Vector256.Max(value, Vector256<float>.Zero);
    }
}
