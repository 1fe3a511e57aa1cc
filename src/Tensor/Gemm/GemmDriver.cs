using System.Runtime.CompilerServices;
using NativeDance.Tensors.Threading;

namespace NativeDance.Tensors.Gemm;

/// <summary>
/// The one GEMM driver behind <see cref="Gemm"/> and the conv forward. C is split into tasks of
/// (row blocks x column panels) run on <see cref="ParallelFor"/>; a task loops over chunks, and within a chunk
/// over its blocks and panels in the order the operands ask for (<see cref="IGemmOperands.PanelsInner"/>): one
/// side stays in L1 while the other streams past it from L2, and the task's A rows stay in L2 across its panels.
/// Column edges go through a stack tile; row edges need none (the kernel is instantiated per row count). The hot
/// loops here and in the operands are compiled fully optimised on first call (AggressiveOptimization), so the first
/// clip runs at full speed instead of waiting for tiered compilation.
/// </summary>
internal static unsafe class GemmDriver<TOps, TVec>
    where TOps : IVectorOps<TVec>
    where TVec : unmanaged
{
    /// <summary>Rows of a full tile of the default kernel (<see cref="WideKernel{TOps, TVec}"/>), which the conv forward uses.</summary>
    public static int TileRows => WideKernel<TOps, TVec>.Rows;

    /// <summary>Columns of that tile (the panel width).</summary>
    public static int TileColumns => WideKernel<TOps, TVec>.Columns;

    /// <summary>Segment buffers up to this size live on the stack of the task.</summary>
    private const int StackSegments = 256;

    /// <summary>C[rows, operands.Columns] = A * B + beta * C (+ bias[column] when bias is not null), C with row stride ldc.</summary>
    public static void Run<TOperands>(ref TOperands operands, PackedPanels b, float* c, nint ldc, float beta, float* bias)
        where TOperands : unmanaged, IGemmOperands => Run<TOperands, WideKernel<TOps, TVec>>(ref operands, b, c, ldc, beta, bias);

    /// <summary>
    /// As <see cref="Run{TOperands}"/>, with the tiles of <typeparamref name="TKernel"/>: the operands' blocks are
    /// its rows, <paramref name="b"/> is packed in panels of its columns.
    /// </summary>
    public static void Run<TOperands, TKernel>(ref TOperands operands, PackedPanels b, float* c, nint ldc, float beta, float* bias)
        where TOperands : unmanaged, IGemmOperands where TKernel : IMicroKernel
    {
        int blocks = operands.BlockCount;
        if (blocks == 0 || operands.Columns == 0) return;
        int panels = (operands.Columns + TKernel.Columns - 1) / TKernel.Columns;
        var (groupBlocks, panelsPerGroup) = Partition(blocks, panels, operands.MaxGroupBlocks, operands.Footprint, ParallelFor.Threads);
        int blockGroups = (blocks + groupBlocks - 1) / groupBlocks;
        int panelGroups = (panels + panelsPerGroup - 1) / panelsPerGroup;
        fixed (TOperands* o = &operands)
        {
            var body = new TaskBody<TOperands, TKernel>
            {
                Operands = o, B = b, C = c, Ldc = ldc, Beta = beta, Bias = bias,
                GroupBlocks = groupBlocks, PanelsPerGroup = panelsPerGroup, PanelGroups = panelGroups,
            };
            ParallelFor.Run(blockGroups * panelGroups, ref body);
        }
    }

    /// <summary>
    /// Chooses task sizes. One thread: one task per block group the operands allow. Several: about four tasks per
    /// thread (claimed dynamically, so uneven ones balance), splitting first the side whose re-reading costs less:
    /// every block group re-reads all of B, every panel group re-reads all of A.
    /// </summary>
    private static (int GroupBlocks, int PanelsPerGroup) Partition(int blocks, int panels, int maxGroup, (long A, long B) footprint, int threads)
    {
        int blockGroups = 1, panelGroups = 1;
        if (threads > 1)
        {
            int target = 4 * threads;
            if (footprint.B > footprint.A)
            {
                panelGroups = Math.Min(panels, target);
                blockGroups = Math.Min(blocks, (target + panelGroups - 1) / panelGroups);
            }
            else
            {
                blockGroups = Math.Min(blocks, target);
                panelGroups = Math.Min(panels, (target + blockGroups - 1) / blockGroups);
            }
        }
        int groupBlocks = Math.Max(1, Math.Min(maxGroup, (blocks + blockGroups - 1) / blockGroups));
        return (groupBlocks, (panels + panelGroups - 1) / panelGroups);
    }

    private struct TaskBody<TOperands, TKernel> : IParallelBody where TOperands : unmanaged, IGemmOperands where TKernel : IMicroKernel
    {
        public TOperands* Operands;
        public PackedPanels B;
        public float* C;
        public nint Ldc;
        public float Beta;
        public float* Bias;
        public int GroupBlocks;
        public int PanelsPerGroup;
        public int PanelGroups;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int task)
        {
            TOperands* operands = Operands;
            int first = task / PanelGroups * GroupBlocks;
            int end = Math.Min(first + GroupBlocks, operands->BlockCount);
            int panelFirst = task % PanelGroups * PanelsPerGroup;
            int panelEnd = Math.Min(panelFirst + PanelsPerGroup, (operands->Columns + TKernel.Columns - 1) / TKernel.Columns);

            int scratchLength = operands->ScratchLength(end - first);
            var (scratch, scratchCapacity) = scratchLength > 0 ? ThreadScratch.Rent(scratchLength) : (0, 0);
            int maxSegments = Math.Max(1, operands->MaxSegments);
            var (segmentBuffer, segmentCapacity) = maxSegments > StackSegments
                ? NativeBufferPool.Rent(maxSegments * (sizeof(KSegment) / sizeof(float))) : (0, 0);
            KSegment* stackSegments = stackalloc KSegment[StackSegments];
            float* edgeTile = stackalloc float[TKernel.Rows * TKernel.Columns];
            try
            {
                TileArgs t = default;
                t.Segments = segmentBuffer != 0 ? (KSegment*)segmentBuffer : stackSegments;
                for (int chunk = 0; chunk < operands->ChunkCount; chunk++)
                {
                    operands->Prepare(first, end, chunk, (float*)scratch);
                    float beta = chunk == 0 ? Beta : 1f;
                    float* bias = chunk == 0 ? Bias : null;
                    if (operands->PanelsInner)
                    {
                        for (int block = first; block < end; block++)
                        {
                            RowBlock rows = operands->Tile(first, block, chunk, (float*)scratch, &t);
                            for (int p = panelFirst; p < panelEnd; p++)
                                RunTile(&t, rows, p, beta, bias, edgeTile);
                        }
                    }
                    else
                    {
                        for (int p = panelFirst; p < panelEnd; p++)
                        {
                            for (int block = first; block < end; block++)
                                RunTile(&t, operands->Tile(first, block, chunk, (float*)scratch, &t), p, beta, bias, edgeTile);
                        }
                    }
                }
            }
            finally
            {
                if (scratchLength > 0) ThreadScratch.Return(scratch, scratchCapacity);
                NativeBufferPool.Return(segmentBuffer, segmentCapacity);
            }
        }

        /// <summary>Runs the tile of <paramref name="rows"/> x panel <paramref name="panel"/>; t already points at the rows' A.</summary>
        private readonly void RunTile(TileArgs* t, RowBlock rows, int panel, float beta, float* bias, float* edgeTile)
        {
            int column = panel * TKernel.Columns;
            int columns = Math.Min(TKernel.Columns, Operands->Columns - column);
            float* cTile = C + rows.FirstRow * Ldc + column;
            t->B = B.Panel(panel);
            if (columns == TKernel.Columns)
            {
                t->C = cTile;
                t->Ldc = Ldc;
                t->Beta = beta;
                t->Bias = bias == null ? null : bias + column;
                TKernel.Run(rows.Rows, t);
                return;
            }
            t->C = edgeTile;
            t->Ldc = TKernel.Columns;
            t->Beta = 0f;
            t->Bias = null;
            TKernel.Run(rows.Rows, t);
            MergeEdge(edgeTile, rows.Rows, columns, cTile, Ldc, beta, bias == null ? null : bias + column);
        }

        /// <summary>Adds a tile computed into scratch to the valid columns of C, with beta and bias.</summary>
        private static void MergeEdge(float* tile, int rows, int columns, float* c, nint ldc, float beta, float* bias)
        {
            for (int r = 0; r < rows; r++)
            {
                float* row = c + r * ldc;
                for (int j = 0; j < columns; j++)
                {
                    float v = tile[r * TKernel.Columns + j] + (bias == null ? 0f : bias[j]);
                    row[j] = beta == 0f ? v : v + beta * row[j];
                }
            }
        }
    }
}
