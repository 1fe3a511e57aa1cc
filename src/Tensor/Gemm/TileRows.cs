namespace NativeDance.Tensors.Gemm;

/// <summary>
/// A register tile's row count as a type, so the microkernel is specialised per count: the JIT folds
/// <see cref="Value"/> to a constant and drops the accumulators of absent rows. Row remainders (the last
/// rows of a GEMM, a conv output line shorter than a full tile) then run with no padding and no branches.
/// </summary>
internal interface ITileRows
{
    static abstract int Value { get; }
}

internal readonly struct Rows1 : ITileRows { public static int Value => 1; }
internal readonly struct Rows2 : ITileRows { public static int Value => 2; }
internal readonly struct Rows3 : ITileRows { public static int Value => 3; }
internal readonly struct Rows4 : ITileRows { public static int Value => 4; }
internal readonly struct Rows5 : ITileRows { public static int Value => 5; }
internal readonly struct Rows6 : ITileRows { public static int Value => 6; }
internal readonly struct Rows7 : ITileRows { public static int Value => 7; }
internal readonly struct Rows8 : ITileRows { public static int Value => 8; }
internal readonly struct Rows9 : ITileRows { public static int Value => 9; }
internal readonly struct Rows10 : ITileRows { public static int Value => 10; }
internal readonly struct Rows11 : ITileRows { public static int Value => 11; }
internal readonly struct Rows12 : ITileRows { public static int Value => 12; }
internal readonly struct Rows13 : ITileRows { public static int Value => 13; }
internal readonly struct Rows14 : ITileRows { public static int Value => 14; }
internal readonly struct Rows15 : ITileRows { public static int Value => 15; }
internal readonly struct Rows16 : ITileRows { public static int Value => 16; }
internal readonly struct Rows17 : ITileRows { public static int Value => 17; }
internal readonly struct Rows18 : ITileRows { public static int Value => 18; }
internal readonly struct Rows19 : ITileRows { public static int Value => 19; }
internal readonly struct Rows20 : ITileRows { public static int Value => 20; }
internal readonly struct Rows21 : ITileRows { public static int Value => 21; }
internal readonly struct Rows22 : ITileRows { public static int Value => 22; }
internal readonly struct Rows23 : ITileRows { public static int Value => 23; }
internal readonly struct Rows24 : ITileRows { public static int Value => 24; }
internal readonly struct Rows25 : ITileRows { public static int Value => 25; }
internal readonly struct Rows26 : ITileRows { public static int Value => 26; }
internal readonly struct Rows27 : ITileRows { public static int Value => 27; }
internal readonly struct Rows28 : ITileRows { public static int Value => 28; }

/// <summary>A register kernel specialised per row count (see <see cref="ITileRows"/>), run through <see cref="TileRowsSwitch"/>.</summary>
internal unsafe interface IRowSpecialised
{
    static abstract void Run<TRows>(TileArgs* t) where TRows : struct, ITileRows;
}

/// <summary>Picks a kernel's instantiation for a runtime row count.</summary>
internal static unsafe class TileRowsSwitch
{
    /// <summary>Runs <typeparamref name="TKernel"/>'s instantiation for <paramref name="rows"/> (1 to 28; the kernel checks its own limit).</summary>
    public static void Run<TKernel>(int rows, TileArgs* t) where TKernel : IRowSpecialised
    {
        switch (rows)
        {
            case 28: TKernel.Run<Rows28>(t); break;
            case 27: TKernel.Run<Rows27>(t); break;
            case 26: TKernel.Run<Rows26>(t); break;
            case 25: TKernel.Run<Rows25>(t); break;
            case 24: TKernel.Run<Rows24>(t); break;
            case 23: TKernel.Run<Rows23>(t); break;
            case 22: TKernel.Run<Rows22>(t); break;
            case 21: TKernel.Run<Rows21>(t); break;
            case 20: TKernel.Run<Rows20>(t); break;
            case 19: TKernel.Run<Rows19>(t); break;
            case 18: TKernel.Run<Rows18>(t); break;
            case 17: TKernel.Run<Rows17>(t); break;
            case 16: TKernel.Run<Rows16>(t); break;
            case 15: TKernel.Run<Rows15>(t); break;
            case 14: TKernel.Run<Rows14>(t); break;
            case 13: TKernel.Run<Rows13>(t); break;
            case 12: TKernel.Run<Rows12>(t); break;
            case 11: TKernel.Run<Rows11>(t); break;
            case 10: TKernel.Run<Rows10>(t); break;
            case 9: TKernel.Run<Rows9>(t); break;
            case 8: TKernel.Run<Rows8>(t); break;
            case 7: TKernel.Run<Rows7>(t); break;
            case 6: TKernel.Run<Rows6>(t); break;
            case 5: TKernel.Run<Rows5>(t); break;
            case 4: TKernel.Run<Rows4>(t); break;
            case 3: TKernel.Run<Rows3>(t); break;
            case 2: TKernel.Run<Rows2>(t); break;
            case 1: TKernel.Run<Rows1>(t); break;
            default: throw new ArgumentOutOfRangeException(nameof(rows), rows, "A tile has 1 to 28 rows.");
        }
    }
}
