using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace NativeDance.Tensors.Threading;

/// <summary>
/// A low-overhead parallel loop over kernel tiles. Worker threads persist; a loop hands them a function
/// pointer and a pointer to the caller's body struct (valid because the caller waits for every worker that
/// joined the loop to leave it). Each thread owns a contiguous share of the iterations, so loops over the same
/// frames one after the other keep each frame on the thread that last touched it, and claims chunks of it with an
/// atomic counter, then chunks of the others' shares, so uneven tiles balance while short iterations (a stem conv's
/// output row takes half a microsecond) do not pay a contended atomic each. A worker that comes late (still asleep, or its core taken by another process) finds
/// the loop closed and stays out: the caller never waits for a thread that has no work in hand. Nothing is
/// allocated per loop. Loops started from inside a loop, or while another thread's loop is running, run inline
/// on the calling thread.
/// </summary>
/// <example><code>var body = new ScaleRows { Data = p, Width = w };
/// ParallelFor.Run(rows, ref body);</code></example>
public static unsafe class ParallelFor
{
    private static readonly Lock Gate = new();
    private static readonly List<Worker> Workers = [];
    private static int _threads = Environment.ProcessorCount;

    [ThreadStatic] private static bool _insideLoop;

    // The loop in flight; written under Gate before workers are released.
    private static delegate*<void*, int, void> _invoke;
    private static void* _state;
    private static int _count;
    private static int _chunk;
    // Per thread of the loop, the next unclaimed iteration of its share (see Drain).
    private static Counter[] _shares = [];
    private static int _shareCount;
    // 1 while the loop in flight takes workers; workers inside it. A worker joins by counting itself in and then
    // checking the loop is still open; the caller closes it and then waits for the count to drop to zero. Both sides
    // use full fences, so a worker either is counted before the caller looks or sees the loop closed.
    private static int _open;
    private static int _joined;
    private static ExceptionDispatchInfo? _failure;

    /// <summary>Number of threads kernels use, the calling thread included. Defaults to the processor count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int Threads
    {
        get => _threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _threads = value;
        }
    }

    /// <summary>Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>), on up to <see cref="Threads"/> threads.</summary>
    public static void Run<TBody>(int count, ref TBody body) where TBody : unmanaged, IParallelBody
    {
        if (count <= 0) return;
        int threads = Math.Min(_threads, count);
        if (threads == 1 || _insideLoop || !Gate.TryEnter())
        {
            RunInline(count, ref body);
            return;
        }
        try
        {
            fixed (TBody* state = &body)
            {
                _invoke = &InvokeBody<TBody>;
                _state = state;
                _count = count;
                _chunk = Math.Max(1, count / (threads * ChunksPerThread));
                _failure = null;
                EnsureWorkers(threads - 1);
                _shareCount = threads;
                for (int share = 0; share < _shareCount; share++) _shares[share].Value = ShareStart(share);
                Interlocked.Exchange(ref _open, 1);
                for (int i = 0; i < threads - 1; i++) Workers[i].Wake();
                _insideLoop = true;
                try
                {
                    Drain(0);
                }
                finally
                {
                    _insideLoop = false;
                }
                Interlocked.Exchange(ref _open, 0);
                var spin = new SpinWait();
                while (Volatile.Read(ref _joined) != 0) spin.SpinOnce(sleep1Threshold: -1);
                _invoke = null;
                _state = null;
            }
            _failure?.Throw();
        }
        finally
        {
            Gate.Exit();
        }
    }

    private static void RunInline<TBody>(int count, ref TBody body) where TBody : unmanaged, IParallelBody
    {
        bool outer = !_insideLoop;
        _insideLoop = true;
        try
        {
            for (int i = 0; i < count; i++) body.Invoke(i);
        }
        finally
        {
            if (outer) _insideLoop = false;
        }
    }

    private static void InvokeBody<TBody>(void* state, int index) where TBody : unmanaged, IParallelBody
        => ((TBody*)state)->Invoke(index);

    /// <summary>
    /// Chunks each thread claims on average when iterations cost the same: enough that a thread slowed down (by
    /// another process on its core, or by costlier tiles) leaves the rest to the others, few enough that claiming
    /// costs nothing next to the work.
    /// </summary>
    private const int ChunksPerThread = 8;

    /// <summary>
    /// Claims and runs chunks of iterations until none are left, starting with its own share: thread i of n owns
    /// iterations [i count / n, (i + 1) count / n), so consecutive loops over the same data (a plan's steps, each
    /// parallel over frames) hand each thread the part it wrote last time, still in its own cache, instead of whatever
    /// the claim order gave it. A thread that runs out claims from the others' shares, front first, so a slow or late
    /// thread still leaves its work to the rest. Records the first exception.
    /// </summary>
    private static void Drain(int self)
    {
        try
        {
            int chunk = _chunk, shares = _shareCount, start;
            for (int k = 0; k < shares; k++)
            {
                int share = (self + k) % shares, end = ShareStart(share + 1);
                ref int next = ref _shares[share].Value;
                while ((start = Interlocked.Add(ref next, chunk) - chunk) < end)
                {
                    int stop = Math.Min(start + chunk, end);
                    for (int i = start; i < stop; i++) _invoke(_state, i);
                }
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            for (int share = 0; share < _shareCount; share++) Volatile.Write(ref _shares[share].Value, int.MaxValue / 2);
        }
    }

    /// <summary>The first iteration of thread <paramref name="share"/>'s share of the loop in flight.</summary>
    private static int ShareStart(int share) => (int)((long)_count * share / _shareCount);

    /// <summary>
    /// A share's claim counter, alone on its cache lines: every claim writes it, and sharing a line with the loop's
    /// read-mostly fields (or another share's counter) would make each thread miss on those after every other claim.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Counter
    {
        [FieldOffset(128)] public int Value;
    }

    private static void EnsureWorkers(int count)
    {
        if (_shares.Length <= count) _shares = new Counter[count + 1];
        while (Workers.Count < count) Workers.Add(new Worker(Workers.Count));
    }

    /// <summary>
    /// A persistent worker. After a loop it spins for <see cref="SpinTicks"/> before it blocks, because a model's
    /// forward pass runs dozens of short loops back to back (an inference plan step can take 20 microseconds), and
    /// waking a blocked thread costs as much as such a loop: without the spin, the second thread joins each loop
    /// late and the caller then waits for it. A spinning worker picks the next loop up at once; an idle one blocks
    /// after the spin and costs nothing.
    /// </summary>
    private sealed class Worker
    {
        /// <summary>How long a worker spins for the next loop: 200 microseconds.</summary>
        private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000;

        private readonly SemaphoreSlim _signal = new(0);
        // 1 while a loop waits for this worker to claim it.
        private int _pending;
        // 1 while the worker is (about to be) blocked on the semaphore; whoever clears it owes one Release.
        private int _sleeping;

        // The loop thread this worker is: the caller is 0, worker i is i + 1 (its share in Drain).
        private readonly int _index;

        public Worker(int id)
        {
            _index = id + 1;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NativeDance worker {id + 1}" };
            thread.Start();
        }

        public void Wake()
        {
            Volatile.Write(ref _pending, 1);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _signal.Release();
        }

        private void Loop()
        {
            _insideLoop = true;
            while (true)
            {
                if (!WaitForLoop()) continue;
                Interlocked.Increment(ref _joined);
                if (Volatile.Read(ref _open) == 1) Drain(_index);
                Interlocked.Decrement(ref _joined);
            }
        }

        /// <summary>Spins, then blocks, until a loop is pending; false on a stale wake-up (a Release owed for a loop already claimed while spinning).</summary>
        private bool WaitForLoop()
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            do
            {
                if (Interlocked.Exchange(ref _pending, 0) == 1) return true;
                Thread.SpinWait(16);
            }
            while (System.Diagnostics.Stopwatch.GetTimestamp() < deadline);
            Volatile.Write(ref _sleeping, 1);
            // A loop may have been handed over between the last check and announcing the sleep.
            if (Interlocked.Exchange(ref _pending, 0) == 1)
            {
                Interlocked.Exchange(ref _sleeping, 0);
                return true;
            }
            _signal.Wait();
            return Interlocked.Exchange(ref _pending, 0) == 1;
        }
    }
}
