#!/usr/bin/env python3
"""Writes cuda-kernels/conv3d_forward.ptx and conv3d_masked.ptx.

The kernels are written by hand here, in PTX; this script only types out what PTX cannot express compactly:
the unrolled multiply-add blocks of each register micro-tile and the three tile configurations of every entry.
Edit the kernels here and regenerate both files (they are committed, so building needs no Python):

    python3 scripts/generate-conv3d-ptx.py cuda-kernels
"""
import sys

OUT = sys.argv[1]

CONFIGS = {
    "128x128": dict(BM=128, BN=128, BK=8, THREADS=256, TM=8),
    "64x64": dict(BM=64, BN=64, BK=8, THREADS=256, TM=4),
    "32x32": dict(BM=32, BN=32, BK=4, THREADS=64, TM=4),
}


def log2(v):
    r = v.bit_length() - 1
    assert 1 << r == v
    return r


HEADER = """.version 7.8
.target sm_80
.address_size 64
"""

GEOMETRY_PARAMS = """    .param .u32 p_rows,
    .param .u32 p_in_t,
    .param .u32 p_in_h,
    .param .u32 p_in_w,
    .param .u32 p_in_c,
    .param .u32 p_out_t,
    .param .u32 p_out_h,
    .param .u32 p_out_w,
    .param .u32 p_out_c,
    .param .u32 p_k_t,
    .param .u32 p_k_h,
    .param .u32 p_k_w,
    .param .u32 p_stride_t,
    .param .u32 p_stride_h,
    .param .u32 p_stride_w,
    .param .u32 p_pad_t,
    .param .u32 p_pad_h,
    .param .u32 p_pad_w,
    .param .u32 p_dil_t,
    .param .u32 p_dil_h,
    .param .u32 p_dil_w,
    .param .u32 p_relu"""

GEOMETRY_NAMES = ["rows", "in_t", "in_h", "in_w", "in_c", "out_t", "out_h", "out_w", "out_c", "k_t", "k_h", "k_w",
                  "stride_t", "stride_h", "stride_w", "pad_t", "pad_h", "pad_w", "dil_t", "dil_h", "dil_w", "relu"]


def conv_entry(name, cfg, masked, header):
    BM, BN, BK, THREADS, TM = cfg["BM"], cfg["BN"], cfg["BK"], cfg["THREADS"], cfg["TM"]
    LA = BM * BK // THREADS  # channels of one A row each thread stages per step
    LB = BK * BN // THREADS  # columns of one B row each thread stages per step
    R = TM // 4              # the micro-tile is R x R blocks of 4 x 4, BM / R rows and BN / R columns apart
    TX = BN // TM            # threads along the columns
    assert LA * THREADS == BM * BK and LB * THREADS == BK * BN and TX * (BM // TM) == THREADS
    a_stride = BM + 4  # floats per k row of the A tile (padded: the transposed stores hit distinct banks)
    L = []
    e = L.append
    e(header)
    e(f".visible .entry {name}(")
    ptrs = ["p_input", "p_weight", "p_bias", "p_output", "p_workspace"]
    if masked:
        ptrs += ["p_kept_frames", "p_kept_frame_count", "p_kept_channels", "p_kept_channel_count", "p_executed_macs"]
    for p in ptrs:
        e(f"    .param .u64 {p},")
    e(GEOMETRY_PARAMS)
    e(")")
    e(f".maxntid {THREADS}, 1, 1")
    e("{")
    e("    .reg .pred %has_next;")
    e("    .reg .u32 %primed;")
    e(f"    .reg .pred %row_ok, %a_ok, %k_ok, %p, %to_ws, %do_relu, %has_bias, %np, %ld_a<{LA}>, %ld_b<{LB}>;")
    e(f"    .reg .pred %col_ok<{TM}>;")
    e("    .reg .u32 %thread, %m_base, %n_base, %a_row, %a_k, %b_k, %b_n, %tx, %ty, %m, %q, %q1, %wo, %ho, %to, %clip_t;")
    e("    .reg .s32 %t0, %h0, %w0, %ti, %hi, %wi;")
    e("    .reg .u32 %taps, %chunks, %steps, %z, %splits, %s, %s_end, %tap, %chunk, %kt, %kh, %kw, %pix, %w_tap, %c0, %ca, %cb, %row;")
    for n in GEOMETRY_NAMES:
        e(f"    .reg .u32 %{n};")
    e("    .reg .u64 %x, %w, %bias, %y, %ws, %dst, %addr, %off, %a_st, %b_st, %a_ld, %b_ld;")
    e(f"    .reg .f32 %v, %a<{LA}>, %b<{LB}>, %fa<{TM}>, %fb<{TM}>, %acc<{TM * TM}>, %bias<{TM}>;")
    if masked:
        e("    .reg .pred %tap_live, %nz, %live;")
        e(f"    .reg .u32 %n_ch, %n_fr, %f, %block_threads, %ch<{LA}>, %chb, %flag, %work, %lane, %cols, %staged, %staged_now;")
        e("    .reg .u64 %kept_f, %kept_c, %macs_ptr, %flags, %kaddr, %macs;")
    e(f"    .shared .align 16 .b8 a_tile[{BK * a_stride * 4}];   // A^T: [BK][BM + 4] floats")
    e(f"    .shared .align 16 .b8 b_tile[{BK * BN * 4}];   // B: [BK][BN] floats")
    if masked:
        e("    .shared .align 4 .b8 frame_kept[4096];   // u32 per input frame (T <= 1024): 1 when kept")
    e("")
    for p in ["input:x", "weight:w", "bias:bias", "output:y", "workspace:ws"]:
        pn, r = p.split(":")
        e(f"    ld.param.u64 %{r}, [p_{pn}];")
    e("    cvta.to.global.u64 %x, %x;")
    e("    cvta.to.global.u64 %w, %w;")
    e("    cvta.to.global.u64 %y, %y;")
    e("    setp.ne.u64 %has_bias, %bias, 0;")
    e("    setp.ne.u64 %to_ws, %ws, 0;")
    e("    cvta.to.global.u64 %bias, %bias;")
    e("    cvta.to.global.u64 %ws, %ws;")
    if masked:
        e("    ld.param.u64 %kept_f, [p_kept_frames];")
        e("    ld.param.u64 %kept_c, [p_kept_channels];")
        e("    ld.param.u64 %macs_ptr, [p_executed_macs];")
        e("    cvta.to.global.u64 %kept_f, %kept_f;")
        e("    cvta.to.global.u64 %kept_c, %kept_c;")
        e("    ld.param.u64 %addr, [p_kept_frame_count];")
        e("    cvta.to.global.u64 %addr, %addr;")
        e("    ld.global.u32 %n_fr, [%addr];")
        e("    ld.param.u64 %addr, [p_kept_channel_count];")
        e("    cvta.to.global.u64 %addr, %addr;")
        e("    ld.global.u32 %n_ch, [%addr];")
    for n in GEOMETRY_NAMES:
        e(f"    ld.param.u32 %{n}, [p_{n}];")
    if masked:
        e("    // a list holds at most T frames and Cin channels: larger counts never make the kernel read past it")
        e("    min.u32 %n_fr, %n_fr, %in_t;")
        e("    min.u32 %n_ch, %n_ch, %in_c;")
    e("")
    e("    mov.u32 %thread, %tid.x;")
    e("    mov.u32 %m_base, %ctaid.x;")
    e(f"    mul.lo.u32 %m_base, %m_base, {BM};")
    e("    mov.u32 %n_base, %ctaid.y;")
    e(f"    mul.lo.u32 %n_base, %n_base, {BN};")
    e(f"    // staging roles: A row a_row, channels a_k .. a_k+{LA - 1} of each chunk; B row b_k, columns b_n .. b_n+{LB - 1}")
    e(f"    shr.u32 %a_row, %thread, {log2(BK // LA)};")
    e(f"    and.b32 %a_k, %thread, {BK // LA - 1};")
    e(f"    shl.b32 %a_k, %a_k, {log2(LA)};")
    e(f"    shr.u32 %b_k, %thread, {log2(BN // LB)};")
    e(f"    and.b32 %b_n, %thread, {BN // LB - 1};")
    e(f"    shl.b32 %b_n, %b_n, {log2(LB)};")
    if R == 1:
        e(f"    // compute role: rows ty*4 .. ty*4+3 and columns tx*4 .. tx*4+3 of the tile")
    else:
        e(f"    // compute role: rows ty*4 + {{0..3}} + {{0, {BM // R}}} and columns tx*4 + {{0..3}} + {{0, {BN // R}}} of the tile")
    e(f"    and.b32 %tx, %thread, {TX - 1};")
    e(f"    shr.u32 %ty, %thread, {log2(TX)};")
    e("    mov.u64 %a_st, a_tile;")
    e(f"    mad.lo.u32 %q, %a_k, {a_stride}, %a_row;")
    e("    mul.wide.u32 %off, %q, 4;")
    e("    add.u64 %a_st, %a_st, %off;")
    e("    mov.u64 %b_st, b_tile;")
    e(f"    mad.lo.u32 %q, %b_k, {BN}, %b_n;")
    e("    mul.wide.u32 %off, %q, 4;")
    e("    add.u64 %b_st, %b_st, %off;")
    e("    add.u32 %b_n, %b_n, %n_base;")
    e("    mov.u64 %a_ld, a_tile;")
    e("    mul.wide.u32 %off, %ty, 16;")
    e("    add.u64 %a_ld, %a_ld, %off;")
    e("    mov.u64 %b_ld, b_tile;")
    e("    mul.wide.u32 %off, %tx, 16;")
    e("    add.u64 %b_ld, %b_ld, %off;")
    for i in range(TM * TM):
        e(f"    mov.f32 %acc{i}, 0f00000000;")
    e("")
    e("    // the staged row m = ((n * To + to) * Ho + ho) * Wo + wo: its clip's first frame and its window origin")
    e("    add.u32 %m, %m_base, %a_row;")
    e("    setp.lt.u32 %row_ok, %m, %rows;")
    e("    rem.u32 %wo, %m, %out_w;")
    e("    div.u32 %q, %m, %out_w;")
    e("    rem.u32 %ho, %q, %out_h;")
    e("    div.u32 %q, %q, %out_h;")
    e("    rem.u32 %to, %q, %out_t;")
    e("    div.u32 %clip_t, %q, %out_t;")
    e("    mul.lo.u32 %clip_t, %clip_t, %in_t;")
    e("    mul.lo.s32 %t0, %to, %stride_t;")
    e("    sub.s32 %t0, %t0, %pad_t;")
    e("    mul.lo.s32 %h0, %ho, %stride_h;")
    e("    sub.s32 %h0, %h0, %pad_h;")
    e("    mul.lo.s32 %w0, %wo, %stride_w;")
    e("    sub.s32 %w0, %w0, %pad_w;")
    e("")
    if masked:
        e("    // frame_kept[t] = 1 for the kept frames, 0 for the others (indices >= T in the list are ignored)")
        e("    mov.u64 %flags, frame_kept;")
        e("    mov.u32 %block_threads, %ntid.x;")
        e("    mov.u32 %f, %thread;")
        e("ZERO_FLAGS:")
        e("    setp.ge.u32 %p, %f, %in_t;")
        e("    @%p bra.uni ZERO_FLAGS_DONE;")
        e("    mul.wide.u32 %off, %f, 4;")
        e("    add.u64 %addr, %flags, %off;")
        e("    st.shared.u32 [%addr], 0;")
        e("    add.u32 %f, %f, %block_threads;")
        e("    bra.uni ZERO_FLAGS;")
        e("ZERO_FLAGS_DONE:")
        e("    bar.sync 0;")
        e("    mov.u32 %q, %thread;")
        e("SET_FLAGS:")
        e("    setp.ge.u32 %p, %q, %n_fr;")
        e("    @%p bra.uni SET_FLAGS_DONE;")
        e("    mul.wide.u32 %off, %q, 4;")
        e("    add.u64 %addr, %kept_f, %off;")
        e("    ld.global.u32 %f, [%addr];")
        e("    setp.lt.u32 %p, %f, %in_t;")
        e("    mul.wide.u32 %off, %f, 4;")
        e("    add.u64 %addr, %flags, %off;")
        e("    @%p st.shared.u32 [%addr], 1;")
        e("    add.u32 %q, %q, %block_threads;")
        e("    bra.uni SET_FLAGS;")
        e("SET_FLAGS_DONE:")
        e("    bar.sync 0;")
        e("    mov.u32 %work, 0;")
        e("")
    ch = "%n_ch" if masked else "%in_c"
    e(f"    // K = taps x {'kept ' if masked else ''}channels, walked tap by tap in chunks of {BK} channels; this split takes steps [s, s_end)")
    e("    mul.lo.u32 %taps, %k_t, %k_h;")
    e("    mul.lo.u32 %taps, %taps, %k_w;")
    e(f"    add.u32 %chunks, {ch}, {BK - 1};")
    e(f"    shr.u32 %chunks, %chunks, {log2(BK)};")
    e("    mul.lo.u32 %steps, %taps, %chunks;")
    e("    mov.u32 %z, %ctaid.z;")
    e("    mov.u32 %splits, %nctaid.z;")
    e("    mul.lo.u32 %s, %steps, %z;")
    e("    div.u32 %s, %s, %splits;")
    e("    add.u32 %s_end, %z, 1;")
    e("    mul.lo.u32 %s_end, %s_end, %steps;")
    e("    div.u32 %s_end, %s_end, %splits;")
    e("    setp.ge.u32 %p, %s, %s_end;")
    e("    @%p bra.uni EPILOGUE;")
    e("    div.u32 %tap, %s, %chunks;")
    e("    mul.lo.u32 %q, %tap, %chunks;")
    e("    sub.u32 %chunk, %s, %q;")
    e("    rem.u32 %kw, %tap, %k_w;")
    e("    div.u32 %q, %tap, %k_w;")
    e("    rem.u32 %kh, %q, %k_h;")
    e("    div.u32 %kt, %q, %k_h;")
    e("")
    e("    mov.u32 %primed, 0;")
    e("")
    e("    // Software pipeline: STEP stages the loaded registers, then LOAD fetches the next step's values from global memory")
    e("    // while COMPUTE runs the multiply-adds of the staged one; the first LOAD goes straight to STEP (primed = 0).")
    e("TAP:")
    e("    // the input pixel the staged row reads at tap (kt, kh, kw); outside the input it reads zeros")
    e("    mad.lo.s32 %ti, %kt, %dil_t, %t0;")
    e("    mad.lo.s32 %hi, %kh, %dil_h, %h0;")
    e("    mad.lo.s32 %wi, %kw, %dil_w, %w0;")
    e("    setp.lt.u32 %a_ok, %ti, %in_t;")
    e("    setp.lt.and.u32 %a_ok, %hi, %in_h, %a_ok;")
    e("    setp.lt.and.u32 %a_ok, %wi, %in_w, %a_ok;")
    e("    and.pred %a_ok, %a_ok, %row_ok;")
    if masked:
        e("    // ... and on a dropped frame too; a tap no row of the tile reads a kept pixel at is skipped whole")
        e("    mov.u32 %flag, 0;")
        e("    mul.wide.s32 %off, %ti, 4;")
        e("    add.u64 %addr, %flags, %off;")
        e("    @%a_ok ld.shared.u32 %flag, [%addr];")
        e("    setp.ne.u32 %a_ok, %flag, 0;")
        e("    bar.red.or.pred %tap_live, 0, %a_ok;")
        e("    @!%tap_live bra.uni SKIP_TAP;")
    e("    add.u32 %pix, %clip_t, %ti;")
    e("    mad.lo.u32 %pix, %pix, %in_h, %hi;")
    e("    mad.lo.u32 %pix, %pix, %in_w, %wi;")
    e("    mul.lo.u32 %pix, %pix, %in_c;")
    e("    mul.lo.u32 %w_tap, %tap, %in_c;")
    e("")
    e("LOAD:")
    e(f"    shl.b32 %c0, %chunk, {log2(BK)};")
    e("    add.u32 %ca, %c0, %a_k;")
    for i in range(LA):
        if i == 0:
            e(f"    setp.lt.and.u32 %ld_a0, %ca, {ch}, %a_ok;")
        else:
            e(f"    add.u32 %q, %ca, {i};")
            e(f"    setp.lt.and.u32 %ld_a{i}, %q, {ch}, %a_ok;")
    for i in range(LA):
        e(f"    mov.f32 %a{i}, 0f00000000;")
    if masked:
        e(f"    // A: x[pixel, kept_channels[ca + i]], i < {LA}")
        e("    mul.wide.u32 %off, %ca, 4;")
        e("    add.u64 %kaddr, %kept_c, %off;")
        for i in range(LA):
            e(f"    mov.u32 %ch{i}, 0;")
            e(f"    @%ld_a{i} ld.global.nc.u32 %ch{i}, [%kaddr+{4 * i}];")
        for i in range(LA):
            e(f"    add.u32 %q, %pix, %ch{i};")
            e("    mul.wide.u32 %off, %q, 4;")
            e("    add.u64 %addr, %x, %off;")
            e(f"    @%ld_a{i} ld.global.nc.f32 %a{i}, [%addr];")
        e(f"    // B: weight row tap * Cin + kept_channels[cb], columns b_n + i, i < {LB}")
        e("    add.u32 %cb, %c0, %b_k;")
        e("    setp.lt.u32 %k_ok, %cb, %n_ch;")
        e("    mov.u32 %chb, 0;")
        e("    mul.wide.u32 %off, %cb, 4;")
        e("    add.u64 %kaddr, %kept_c, %off;")
        e("    @%k_ok ld.global.nc.u32 %chb, [%kaddr];")
        e("    add.u32 %row, %w_tap, %chb;")
    else:
        e(f"    // A: x[pixel, ca + i], i < {LA}")
        e("    add.u32 %q, %pix, %ca;")
        e("    mul.wide.u32 %off, %q, 4;")
        e("    add.u64 %addr, %x, %off;")
        for i in range(LA):
            e(f"    @%ld_a{i} ld.global.nc.f32 %a{i}, [%addr+{4 * i}];")
        e(f"    // B: weight row tap * Cin + cb, columns b_n + i, i < {LB}")
        e("    add.u32 %cb, %c0, %b_k;")
        e("    setp.lt.u32 %k_ok, %cb, %in_c;")
        e("    add.u32 %row, %w_tap, %cb;")
    for i in range(LB):
        if i == 0:
            e("    setp.lt.and.u32 %ld_b0, %b_n, %out_c, %k_ok;")
        else:
            e(f"    add.u32 %q, %b_n, {i};")
            e(f"    setp.lt.and.u32 %ld_b{i}, %q, %out_c, %k_ok;")
    e("    mad.lo.u32 %q, %row, %out_c, %b_n;")
    e("    mul.wide.u32 %off, %q, 4;")
    e("    add.u64 %addr, %w, %off;")
    for i in range(LB):
        e(f"    mov.f32 %b{i}, 0f00000000;")
        e(f"    @%ld_b{i} ld.global.nc.f32 %b{i}, [%addr+{4 * i}];")
    if masked:
        e("    // real input elements among the loaded ones, for the executed-MAC count")
        e("    selp.u32 %staged, 1, 0, %ld_a0;")
        for i in range(1, LA):
            e(f"    selp.u32 %q, 1, 0, %ld_a{i};")
            e("    add.u32 %staged, %staged, %q;")
    e("    setp.eq.u32 %p, %primed, 0;")
    e("    @%p bra.uni STEP;")
    e("")
    e("COMPUTE:")
    if masked:
        e("    @!%live bra.uni COMPUTED;")
        e("    add.u32 %work, %work, %staged_now;")
    for k in range(BK):
        for r in range(R):
            fa = ", ".join(f"%fa{r * 4 + i}" for i in range(4))
            e(f"    ld.shared.v4.f32 {{{fa}}}, [%a_ld+{(k * a_stride + r * BM // R) * 4}];")
        for r in range(R):
            fb = ", ".join(f"%fb{r * 4 + i}" for i in range(4))
            e(f"    ld.shared.v4.f32 {{{fb}}}, [%b_ld+{(k * BN + r * BN // R) * 4}];")
        for i in range(TM):
            for j in range(TM):
                e(f"    fma.rn.f32 %acc{i * TM + j}, %fa{i}, %fb{j}, %acc{i * TM + j};")
    e("COMPUTED:")
    e("    bar.sync 0;")
    e("    @!%has_next bra.uni EPILOGUE;")
    e("")
    e("STEP:")
    e("    mov.u32 %primed, 1;")
    for i in range(LA):
        e(f"    st.shared.f32 [%a_st+{i * a_stride * 4}], %a{i};")
    e(f"    st.shared.v{LB}.f32 [%b_st], {{{', '.join(f'%b{i}' for i in range(LB))}}};")
    if masked:
        e("    // feature sparsity: the block skips the multiply-adds of an all-zero A tile (NaN counts as non-zero)")
        e("    setp.neu.f32 %nz, %a0, 0f00000000;")
        for i in range(1, LA):
            e(f"    setp.neu.or.f32 %nz, %a{i}, 0f00000000, %nz;")
        e("    bar.red.or.pred %live, 0, %nz;")
        e("    mov.u32 %staged_now, %staged;")
    else:
        e("    bar.sync 0;")
    e("    add.u32 %s, %s, 1;")
    e("    setp.lt.u32 %has_next, %s, %s_end;")
    e("    @!%has_next bra.uni COMPUTE;")
    e("    add.u32 %chunk, %chunk, 1;")
    e("    setp.lt.u32 %p, %chunk, %chunks;")
    e("    @%p bra.uni LOAD;")
    e("NEXT_TAP:")
    e("    mov.u32 %chunk, 0;")
    e("    add.u32 %tap, %tap, 1;")
    e("    add.u32 %kw, %kw, 1;")
    e("    setp.lt.u32 %p, %kw, %k_w;")
    e("    @%p bra.uni TAP;")
    e("    mov.u32 %kw, 0;")
    e("    add.u32 %kh, %kh, 1;")
    e("    setp.lt.u32 %p, %kh, %k_h;")
    e("    @%p bra.uni TAP;")
    e("    mov.u32 %kh, 0;")
    e("    add.u32 %kt, %kt, 1;")
    e("    bra.uni TAP;")
    if masked:
        e("SKIP_TAP:")
        e("    sub.u32 %q, %chunks, %chunk;")
        e("    add.u32 %s, %s, %q;")
        e("    setp.lt.u32 %has_next, %s, %s_end;")
        e("    @%has_next bra.uni NEXT_TAP;")
        e("    // no live tap left in this split: finish the staged step, if there is one")
        e("    setp.ne.u32 %p, %primed, 0;")
        e("    @%p bra.uni COMPUTE;")
    e("")
    e("EPILOGUE:")
    if masked:
        e("    // executed MACs: the warp's real A entries of executed tiles times the block's output channels")
        e("    setp.eq.u64 %p, %macs_ptr, 0;")
        e("    @%p bra.uni COUNTED;")
        for d in [16, 8, 4, 2, 1]:
            e(f"    shfl.sync.down.b32 %q, %work, {d}, 31, 0xffffffff;")
            e("    add.u32 %work, %work, %q;")
        e("    mov.u32 %lane, %laneid;")
        e("    setp.ne.u32 %p, %lane, 0;")
        e("    setp.eq.or.u32 %p, %work, 0, %p;")
        e("    @%p bra COUNTED;")
        e("    sub.u32 %cols, %out_c, %n_base;")
        e(f"    min.u32 %cols, %cols, {BN};")
        e("    mul.wide.u32 %macs, %work, %cols;")
        e("    cvta.to.global.u64 %addr, %macs_ptr;")
        e("    red.global.add.u64 [%addr], %macs;")
        e("COUNTED:")
    e("    // destination: the output with bias and ReLU, or (split-K) this split's raw slice of the workspace")
    e("    mov.u64 %dst, %y;")
    e("    mul.lo.u32 %q, %z, %rows;")
    e("    mul.wide.u32 %off, %q, %out_c;")
    e("    shl.b64 %off, %off, 2;")
    e("    @%to_ws add.u64 %dst, %ws, %off;")
    e("    not.pred %np, %to_ws;")
    e("    setp.ne.and.u32 %do_relu, %relu, 0, %np;")
    e("    and.pred %has_bias, %has_bias, %np;")
    e("    shl.b32 %q1, %tx, 2;")
    e("    add.u32 %q1, %q1, %n_base;")
    for j in range(TM):
        e(f"    add.u32 %q, %q1, {(j // 4) * (BN // R) + j % 4};")
        e(f"    setp.lt.u32 %col_ok{j}, %q, %out_c;")
        e(f"    and.pred %p, %has_bias, %col_ok{j};")
        e(f"    mov.f32 %bias{j}, 0f00000000;")
        e(f"    mul.wide.u32 %off, %q, 4;")
        e(f"    add.u64 %addr, %bias, %off;")
        e(f"    @%p ld.global.nc.f32 %bias{j}, [%addr];")
    for i in range(TM):
        e(f"    shl.b32 %m, %ty, 2;")
        e(f"    add.u32 %m, %m, %m_base;")
        if i > 0:
            e(f"    add.u32 %m, %m, {(i // 4) * (BM // R) + i % 4};")
        e(f"    setp.ge.u32 %p, %m, %rows;")
        e(f"    @%p bra DONE;")
        e(f"    mad.lo.u32 %q, %m, %out_c, %q1;")
        e(f"    mul.wide.u32 %off, %q, 4;")
        e(f"    add.u64 %addr, %dst, %off;")
        for j in range(TM):
            e(f"    add.f32 %v, %acc{i * TM + j}, %bias{j};")
            e(f"    @%do_relu max.f32 %v, %v, 0f00000000;")
            e(f"    @%col_ok{j} st.global.f32 [%addr+{4 * ((j // 4) * (BN // R) + j % 4)}], %v;")
    e("DONE:")
    e("    ret;")
    e("}")
    return "\n".join(L) + "\n"


def layout(cfg):
    BM, BN, BK, T, TM = cfg["BM"], cfg["BN"], cfg["BK"], cfg["THREADS"], cfg["TM"]
    LA, LB, R, TX = BM * BK // T, BK * BN // T, TM // 4, BN // TM
    if R == 1:
        micro = f"rows ty*4 + 0..3, columns tx*4 + 0..3"
    else:
        micro = f"rows ty*4 + 0..3 and {BM // R} + ty*4 + 0..3, columns tx*4 + 0..3 and {BN // R} + tx*4 + 0..3"
    return (f"""a {BM} x {BN} tile of C per block (positions x output channels); {T} threads, each {"an" if TM == 8 else "a"} {TM} x {TM} register
//   micro-tile ({micro}; tx = tid % {TX}, ty = tid / {TX}).
//   K is walked tap by tap, {BK} channels per step; each step stages A^T [{BK}][{BM}+4] (each thread gathers {LA} channels of one
//   row) and B [{BK}][{BN}] ({LB} adjacent columns of one row) in shared memory, then runs {BK} rank-1 updates from it
//   while the global loads of the next step are in flight (register prefetch).""")


def dense_header(tag, cfg):
    BM, BN, T = cfg["BM"], cfg["BN"], cfg["THREADS"]
    return f"""
// ---------------------------------------------------------------------------------------------------------------------
// conv3d_fwd_{tag}: y = act(conv3d(x, w) + bias), fp32, as an implicit GEMM: C[M x Cout] = A[M x K] * B[K x Cout] with
//   M = N * To * Ho * Wo output positions, K = kT * kH * kW * Cin, A = im2col(x) gathered on the fly (zero outside the input).
// Layouts: x [N, T, H, W, Cin], w [kT, kH, kW, Cin, Cout] (B = w as a K x Cout row-major matrix), bias [Cout] (or 0: none),
//   y [N, To, Ho, Wo, Cout], all channels-last; groups = 1; any kernel size, stride, padding, dilation.
// Tiling: {layout(cfg)}
//   Channels past Cin, rows past M and columns past Cout are staged as zeros.
// Split-K: grid.z = splits; split z takes the K steps [z * steps / splits, (z + 1) * steps / splits). With workspace = 0
//   (splits must be 1) the epilogue writes act(acc + bias) to y (act = ReLU when relu != 0); otherwise it writes the raw
//   sums to workspace[z, M, Cout] and conv3d_splitk_reduce finishes.
// Launch: grid (ceil(M / {BM}), ceil(Cout / {BN}), splits), block ({T}, 1, 1), no dynamic shared memory.
// ---------------------------------------------------------------------------------------------------------------------"""


def masked_header(tag, cfg):
    BM, BN, T = cfg["BM"], cfg["BN"], cfg["THREADS"]
    return f"""
// ---------------------------------------------------------------------------------------------------------------------
// conv3d_masked_{tag}: the DANCE gated conv, y = act(conv3d(x masked, w) + bias), fp32: the dense conv of the input with
//   every frame not in kept_frames and every channel not in kept_channels treated as zero, computed without their work.
// Layouts as conv3d_fwd_{tag}: x [N, T, H, W, Cin], w [kT, kH, kW, Cin, Cout], bias [Cout] (or 0), y [N, To, Ho, Wo, Cout].
//   kept_frames: int32[*kept_frame_count], kept_channels: int32[*kept_channel_count], strictly increasing (Conv3dInputMask);
//   the counts live in device memory, so a mask computed on the device needs no host round trip (a count above T or Cin
//   is read as T or Cin). T <= 1024.
// Compaction: K = taps x kept channels (B rows gathered as tap * Cin + kept_channels[c]); a tap is skipped whole when no row
//   of the tile reads a kept, in-range frame at it (block vote). Output positions whose window holds no kept frame get
//   act(bias). Feature sparsity: after staging, a block vote (bar.red.or.pred) skips the multiply-adds of an all-zero A tile.
// Executed MACs (executed_macs: u64 pointer, 0 = not counted): each block adds, over the A tiles it did not skip, the
//   number of real input elements staged (row < M, the tap inside the input on a kept frame, the channel kept) times
//   its output channels (min({BN}, Cout - tile start)). Padding and tile fill are not counted. With no tile skipped the total
//   equals GatedConvCost.DenseCompacted(...).Macs; otherwise it lies between that and GatedConvCost.SparseInput(...).Macs
//   (every non-zero element's MACs, which a tile holding it always executes); an all-zero input counts 0.
// Tiling: {layout(cfg)}
// Split-K and launch as conv3d_fwd_{tag}: grid (ceil(M / {BM}), ceil(Cout / {BN}), splits), block ({T}, 1, 1); split-K
//   partial sums go to workspace[z, M, Cout] and conv3d_splitk_reduce (module conv3d_forward) finishes.
// ---------------------------------------------------------------------------------------------------------------------"""


REDUCE = """
// ---------------------------------------------------------------------------------------------------------------------
// conv3d_splitk_reduce: y[i] = act(bias[i % Cout] + sum over z = 0 .. splits-1 of workspace[z, i]), summed in that fixed
//   order so the result does not depend on scheduling. i < elements = M * Cout; bias may be 0 (none); act = ReLU when
//   relu != 0. Layouts: workspace [splits, M, Cout], y [M, Cout] (= [N, To, Ho, Wo, Cout]).
// Launch: grid (ceil(elements / 256), 1, 1), block (256, 1, 1); one thread per output element.
// ---------------------------------------------------------------------------------------------------------------------
.visible .entry conv3d_splitk_reduce(
    .param .u64 p_workspace,
    .param .u64 p_bias,
    .param .u64 p_output,
    .param .u32 p_elements,
    .param .u32 p_out_c,
    .param .u32 p_splits,
    .param .u32 p_relu
)
.maxntid 256, 1, 1
{
    .reg .pred %p, %has_bias;
    .reg .u32 %i, %q, %elements, %out_c, %splits, %relu;
    .reg .u64 %ws, %bias, %y, %addr, %stride, %off;
    .reg .f32 %sum, %v;

    ld.param.u32 %elements, [p_elements];
    mov.u32 %i, %ctaid.x;
    mov.u32 %q, %ntid.x;
    mov.u32 %out_c, %tid.x;
    mad.lo.u32 %i, %i, %q, %out_c;
    setp.ge.u32 %p, %i, %elements;
    @%p bra DONE;
    ld.param.u64 %ws, [p_workspace];
    ld.param.u64 %bias, [p_bias];
    ld.param.u64 %y, [p_output];
    ld.param.u32 %out_c, [p_out_c];
    ld.param.u32 %splits, [p_splits];
    ld.param.u32 %relu, [p_relu];
    cvta.to.global.u64 %ws, %ws;
    cvta.to.global.u64 %y, %y;
    setp.ne.u64 %has_bias, %bias, 0;
    cvta.to.global.u64 %bias, %bias;

    mul.wide.u32 %off, %i, 4;
    add.u64 %addr, %ws, %off;
    mul.wide.u32 %stride, %elements, 4;
    ld.global.nc.f32 %sum, [%addr];
    mov.u32 %q, 1;
SPLITS:
    setp.ge.u32 %p, %q, %splits;
    @%p bra SUMMED;
    add.u64 %addr, %addr, %stride;
    ld.global.nc.f32 %v, [%addr];
    add.f32 %sum, %sum, %v;
    add.u32 %q, %q, 1;
    bra SPLITS;
SUMMED:
    @!%has_bias bra BIASED;
    rem.u32 %q, %i, %out_c;
    mul.wide.u32 %addr, %q, 4;
    add.u64 %addr, %bias, %addr;
    ld.global.nc.f32 %v, [%addr];
    add.f32 %sum, %sum, %v;
BIASED:
    setp.ne.u32 %p, %relu, 0;
    @%p max.f32 %sum, %sum, 0f00000000;
    add.u64 %addr, %y, %off;
    st.global.f32 [%addr], %sum;
DONE:
    ret;
}
"""

FORWARD_FILE = """// Dense 3D convolution forward for NativeDance, fp32, channels-last: implicit GEMM with a fused bias + ReLU epilogue in
// three tile configurations (128 x 128 and 64 x 64 for large problems, 32 x 32 for small ones; the host picks by problem
// size, see Conv3dLaunchPlan), each with a deterministic split-K mode, and the split-K reduction.
// Entries: conv3d_fwd_128x128, conv3d_fwd_64x64, conv3d_fwd_32x32, conv3d_splitk_reduce. Parameters: see each header;
// the host passes them as one blittable struct in .param order (src/Cuda/Kernels/Conv).
"""

MASKED_FILE = """// The DANCE gated 3D convolution for NativeDance, fp32, channels-last: the implicit GEMM of conv3d_forward compacted to the
// kept frames and channels of the input, skipping all-zero activation tiles, with an optional executed-MAC counter.
// Entries: conv3d_masked_128x128, conv3d_masked_64x64, conv3d_masked_32x32 (split-K partial sums are finished by conv3d_splitk_reduce in
// conv3d_forward). Parameters: see each header; the host passes them as one blittable struct in .param order.
"""

with open(f"{OUT}/conv3d_forward.ptx", "w") as fh:
    fh.write(FORWARD_FILE + "\n" + HEADER)
    for tag, cfg in CONFIGS.items():
        fh.write(conv_entry(f"conv3d_fwd_{tag}", cfg, False, dense_header(tag, cfg)))
    fh.write(REDUCE)

with open(f"{OUT}/conv3d_masked.ptx", "w") as fh:
    fh.write(MASKED_FILE + "\n" + HEADER)
    for tag, cfg in CONFIGS.items():
        fh.write(conv_entry(f"conv3d_masked_{tag}", cfg, True, masked_header(tag, cfg)))
