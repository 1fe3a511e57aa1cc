using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeDance.Tensors.Gemm;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Diagnostics;

/// <summary>How long and over how much memory <see cref="PeakProbe"/> measures.</summary>
public sealed record PeakProbeOptions
{
    /// <summary>Size of the streamed buffer; well beyond L2 so the bandwidth probes measure the memory side (default 64 MiB).</summary>
    public long BufferBytes { get; init; } = 64L << 20;

    /// <summary>Target seconds of one FMA trial (default 10 ms).</summary>
    public double TrialSeconds { get; init; } = 0.01;

    /// <summary>Trials per probe; the fastest counts, as a peak should on a shared machine (default 10).</summary>
    public int Trials { get; init; } = 10;
}

/// <summary>
/// Measures the machine's roofs at the current <see cref="ParallelFor.Threads"/> and the SIMD width the kernels use
/// (<see cref="SimdDispatch"/>), in about half a second: FMA chains for compute, a streaming read and a streaming
/// write for bandwidth. Lives in the engine, beside the kernels it judges, so the kernel benchmarks and the profiler
/// share one definition of "peak".
/// </summary>
/// <example><code>var peak = PeakProbe.Measure();
/// Console.WriteLine(peak); // peak 180.3 GFLOP/s fp32 (Vector512 FMA, 2 threads), read 21.4 GB/s, ...
/// double percent = 100 * achievedGflops / peak.Gflops;</code></example>
public static unsafe class PeakProbe
{
    /// <summary>Independent FMA chains per thread: at least latency (4 cycles) x FMA ports (2) on current x64 and
    /// ARM cores, and with the two constants still within AVX2's 16 registers.</summary>
    internal const int Chains = 12;

    /// <summary>Bytes each parallel iteration of the bandwidth probes streams.</summary>
    internal const int BlockBytes = 256 << 10;

    /// <summary>Runs all three probes.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static MachinePeak Measure(PeakProbeOptions? options = null)
    {
        options ??= new PeakProbeOptions();
        if (options.BufferBytes < BlockBytes || options.BufferBytes % BlockBytes != 0)
            throw new ArgumentException($"The probe buffer must be a positive multiple of {BlockBytes} bytes, got {options.BufferBytes}.", nameof(options));
        if (!(options.TrialSeconds > 0) || options.Trials < 1)
            throw new ArgumentException($"The probe needs positive trial seconds and at least one trial, got {options.TrialSeconds} s and {options.Trials}.", nameof(options));
        var fma = Fma(options);
        var (read, write) = Bandwidth(options);
        return new MachinePeak(ParallelFor.Threads, VectorBits(SimdDispatch.Width), fma, read, write, options.BufferBytes);
    }

    /// <summary>The FMA throughput of <see cref="Chains"/> chains per parallel iteration, iterations sized so a trial lasts about the target.</summary>
    private static ProbeRate Fma(PeakProbeOptions options)
    {
        var probe = new FmaProbe { Parts = 4 * ParallelFor.Threads, Steps = 1 << 12, Trials = options.Trials, TrialSeconds = options.TrialSeconds };
        SimdDispatch.Run(ref probe);
        return probe.Result;
    }

    /// <summary>The best streaming read and write over a buffer of <see cref="PeakProbeOptions.BufferBytes"/>.</summary>
    private static (ProbeRate Read, ProbeRate Write) Bandwidth(PeakProbeOptions options)
    {
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)options.BufferBytes, NativeBufferPool.Alignment);
        int blocks = (int)(options.BufferBytes / BlockBytes);
        // One register of partial sums per block keeps the reads live; 64 floats cover any width.
        var sink = (float*)NativeMemory.AlignedAlloc((nuint)(blocks * 64 * sizeof(float)), NativeBufferPool.Alignment);
        try
        {
            var probe = new BandwidthProbe { Buffer = buffer, Sink = sink, Blocks = blocks, Trials = options.Trials };
            SimdDispatch.Run(ref probe);
            return (new ProbeRate(options.BufferBytes, probe.ReadSeconds), new ProbeRate(options.BufferBytes, probe.WriteSeconds));
        }
        finally
        {
            NativeMemory.AlignedFree(sink);
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static int VectorBits(SimdWidth width) => width switch
    {
        SimdWidth.Vector512 => 512,
        SimdWidth.Vector256 => 256,
        SimdWidth.Vector128 => 128,
        _ => 32,
    };

    private static double Time<TBody>(int count, ref TBody body) where TBody : unmanaged, IParallelBody
    {
        long start = Stopwatch.GetTimestamp();
        ParallelFor.Run(count, ref body);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // The probe bodies are compiled fully optimised from their first call (AggressiveOptimization): the probe runs once
    // per process, too briefly for tiered compilation to promote them, and tier-0 code would measure the JIT, not the machine.

    private struct FmaProbe : ISimdAction
    {
        public int Parts, Trials;
        public long Steps;
        public double TrialSeconds;
        public ProbeRate Result;

        public void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
        {
            var sink = stackalloc float[64];
            var body = new FmaChains<TOps, TVec> { Steps = Steps, Sink = sink };
            // Double the chain length until one trial lasts the target (the first runs also warm the code up).
            while (Time(Parts, ref body) < TrialSeconds / 2 && body.Steps < long.MaxValue / 4) body.Steps *= 2;
            double best = double.MaxValue;
            for (int i = 0; i < Trials; i++) best = Math.Min(best, Time(Parts, ref body));
            Result = new ProbeRate(2.0 * Chains * TOps.Lanes * body.Steps * Parts, best);
        }
    }

    /// <summary>Each iteration runs <see cref="Chains"/> dependent chains c = c * a + b of <see cref="Steps"/> FMAs.</summary>
    private struct FmaChains<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public long Steps;
        public float* Sink;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int index)
        {
            // a < 1 and b small: every chain converges to b / (1 - a) = 1, far from overflow and denormals.
            TVec a = TOps.Broadcast(0.999f), b = TOps.Broadcast(0.001f);
            TVec c0 = TOps.Broadcast(index), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
            TVec c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
            for (long i = 0; i < Steps; i++)
            {
                c0 = TOps.MultiplyAdd(c0, a, b);
                c1 = TOps.MultiplyAdd(c1, a, b);
                c2 = TOps.MultiplyAdd(c2, a, b);
                c3 = TOps.MultiplyAdd(c3, a, b);
                c4 = TOps.MultiplyAdd(c4, a, b);
                c5 = TOps.MultiplyAdd(c5, a, b);
                c6 = TOps.MultiplyAdd(c6, a, b);
                c7 = TOps.MultiplyAdd(c7, a, b);
                c8 = TOps.MultiplyAdd(c8, a, b);
                c9 = TOps.MultiplyAdd(c9, a, b);
                c10 = TOps.MultiplyAdd(c10, a, b);
                c11 = TOps.MultiplyAdd(c11, a, b);
            }
            var sum = TOps.Add(TOps.Add(TOps.Add(c0, c1), TOps.Add(c2, c3)), TOps.Add(TOps.Add(c4, c5), TOps.Add(c6, c7)));
            sum = TOps.Add(sum, TOps.Add(TOps.Add(c8, c9), TOps.Add(c10, c11)));
            // Racy stores of the same slot are harmless: the value only has to escape so the chains are not removed.
            TOps.Store(Sink, sum);
        }
    }

    private struct BandwidthProbe : ISimdAction
    {
        public byte* Buffer;
        public float* Sink;
        public int Blocks, Trials;
        public double ReadSeconds, WriteSeconds;

        public void Run<TOps, TVec>() where TOps : IVectorOps<TVec> where TVec : unmanaged
        {
            var write = new StreamWrite<TOps, TVec> { Buffer = (float*)Buffer };
            var read = new StreamRead<TOps, TVec> { Buffer = (float*)Buffer, Sink = Sink };
            // The first write also faults every page in, so neither timed pass pays for it.
            Time(Blocks, ref write);
            ReadSeconds = WriteSeconds = double.MaxValue;
            for (int i = 0; i < Trials; i++)
            {
                WriteSeconds = Math.Min(WriteSeconds, Time(Blocks, ref write));
                ReadSeconds = Math.Min(ReadSeconds, Time(Blocks, ref read));
            }
        }
    }

    /// <summary>Sums one block with four accumulators (loads, not adds, are the limit) and stores the partial sums.</summary>
    private struct StreamRead<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public float* Buffer;
        public float* Sink;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int index)
        {
            const int Floats = BlockBytes / sizeof(float);
            float* p = Buffer + (long)index * Floats;
            int lanes = TOps.Lanes;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            for (int i = 0; i < Floats; i += 4 * lanes)
            {
                s0 = TOps.Add(s0, TOps.Load(p + i));
                s1 = TOps.Add(s1, TOps.Load(p + i + lanes));
                s2 = TOps.Add(s2, TOps.Load(p + i + 2 * lanes));
                s3 = TOps.Add(s3, TOps.Load(p + i + 3 * lanes));
            }
            TOps.Store(Sink + index * 64, TOps.Add(TOps.Add(s0, s1), TOps.Add(s2, s3)));
        }
    }

    /// <summary>Fills one block with plain stores.</summary>
    private struct StreamWrite<TOps, TVec> : IParallelBody where TOps : IVectorOps<TVec> where TVec : unmanaged
    {
        public float* Buffer;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int index)
        {
            const int Floats = BlockBytes / sizeof(float);
            float* p = Buffer + (long)index * Floats;
            TVec value = TOps.Broadcast(index);
            for (int i = 0; i < Floats; i += TOps.Lanes) TOps.Store(p + i, value);
        }
    }
}
