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
