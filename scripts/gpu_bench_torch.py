#!/usr/bin/env python3
"""PyTorch side of scripts/gpu-check.sh: times, with CUDA events, the same problems as `dance gpu bench` wrote in its
JSON rows, and merges the results into one table and one JSON file.

  layers, dense:  cuDNN fp32 conv3d (TF32 off) of the row's geometry at its batch.
  layers, gated:  what a PyTorch user would do with the row's kept lists: index_select the kept frames and channels of
                  the input and the kept input channels of the weight, then cuDNN dense on the compacted tensors
                  (the gathers are timed too).
  models:         torchvision r3d_18, or C3D built from plain layers as NativeDance's zoo builds it, random weights,
                  eval mode, one clip; a gated row is compared with the same dense network.

usage: gpu_bench_torch.py --ours ours.json --out merged.json [--rounds 20]
"""
import argparse
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed(fn, rounds):
    """Milliseconds per call between CUDA events around `rounds` calls, after a warm-up."""
    for _ in range(3):
        fn()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(rounds):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / rounds


def layer_ms(row, rounds):
    n, cin, cout = row["batch"], row["cin"], row["cout"]
    t, h, w = row["input"]
    x = torch.randn(n, cin, t, h, w, device="cuda")
    weight = torch.randn(cout, cin, *row["kernel"], device="cuda") * 0.05
    bias = torch.randn(cout, device="cuda")
    stride, padding = tuple(row["stride"]), tuple(row["padding"])
    if "kept_frames" not in row:
        return timed(lambda: F.conv3d(x, weight, bias, stride, padding), rounds)
    frames = torch.tensor(row["kept_frames"], device="cuda")
    channels = torch.tensor(row["kept_channels"], device="cuda")

    def gathered():
        kept = x.index_select(2, frames).index_select(1, channels)
        return F.conv3d(kept, weight.index_select(1, channels), bias, stride, padding)

    return timed(gathered, rounds)


class C3D(nn.Module):
    """C3D as NativeDance's zoo builds it: eight 3x3x3 convs with ReLU, five max pools (pool5 pads H and W by one),
    fc6 and fc7 of 4096 with ReLU, then the classifier (dropout is the identity in eval mode)."""

    def __init__(self, classes, frames, size):
        super().__init__()
        plan = [(64, (1, 2, 2), 0), (128, (2, 2, 2), 0), (256, None, 0), (256, (2, 2, 2), 0),
                (512, None, 0), (512, (2, 2, 2), 0), (512, None, 0), (512, (2, 2, 2), (0, 1, 1))]
        layers, channels = [], 3
        for out, pool, pad in plan:
            layers += [nn.Conv3d(channels, out, 3, padding=1), nn.ReLU(inplace=True)]
            if pool is not None:
                layers.append(nn.MaxPool3d(pool, pool, padding=pad))
            channels = out
        self.features = nn.Sequential(*layers)
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 3, frames, size, size)).numel()
        self.classifier = nn.Sequential(nn.Linear(flat, 4096), nn.ReLU(inplace=True), nn.Linear(4096, 4096),
                                        nn.ReLU(inplace=True), nn.Linear(4096, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def model_ms(row, rounds, cache):
    key = (row["model"], row["frames"], row["size"], row["classes"], row["batch"])
    if key not in cache:
        if row["model"] == "r3d-18":
            from torchvision.models.video import r3d_18
            net = r3d_18(weights=None, num_classes=row["classes"])
        elif row["model"] == "c3d":
            net = C3D(row["classes"], row["frames"], row["size"])
        else:
            raise ValueError(f"no PyTorch model for {row['model']}")
        net = net.cuda().eval()
        clip = torch.randn(row["batch"], 3, row["frames"], row["size"], row["size"], device="cuda")
        with torch.no_grad():
            cache[key] = timed(lambda: net(clip), rounds) / row["batch"]
    return cache[key]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True, help="JSON written by `dance gpu bench`")
    parser.add_argument("--out", required=True, help="merged JSON to write")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("gpu_bench_torch: PyTorch sees no CUDA device")
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True

    with open(args.ours) as f:
        ours = json.load(f)
    rows, models = [], {}
    with torch.no_grad():
        for row in ours["rows"]:
            cudnn = layer_ms(row, args.rounds) if "layer" in row else model_ms(row, args.rounds, models)
            rows.append({**row, "cudnn_ms": cudnn})

    gpu = torch.cuda.get_device_name()
    print(f"{gpu}, PyTorch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, fp32, TF32 off")
    print(f"{'layer / model':<20} {'N':>2} {'variant':<18} {'ours ms':>9} {'cuDNN ms':>9} {'speed-up':>8} {'J/clip':>8}")
    for r in rows:
        energy = r.get("energy_j_per_clip")
        print(f"{r.get('layer', r.get('model')):<20} {r['batch']:>2} {r['variant']:<18} {r['ours_ms']:>9.3f} {r['cudnn_ms']:>9.3f} "
              f"{r['cudnn_ms'] / r['ours_ms']:>7.2f}x {'' if energy is None else f'{energy:8.3f}'}")
    with open(args.out, "w") as f:
        json.dump({"gpu": gpu, "torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "rows": rows}, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
