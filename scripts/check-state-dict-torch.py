#!/usr/bin/env python3
"""Loads a model file of `clgrad train --save` into the equivalent PyTorch module with
load_state_dict(strict=True) and prints the module's outputs for the given inputs.

Needs torch (Debian: apt-get install python3-torch). Python's safetensors package is not needed:
the file is read here from the format's specification (the same rules as
make-safetensors-fixture.py --check: 8-byte little-endian header length, JSON header, row-major data).

    /usr/bin/python3 scripts/check-state-dict-torch.py model.safetensors 0.3,-0.2 1.5,0.4
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "I32": np.int32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def load_file(path):
    """safetensors.torch.load_file, from the specification: ({name: tensor}, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=np.dtype(DTYPES[e["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(arr.reshape(e["shape"]).copy())
    return out, meta


class SimpleNet(nn.Module):
    """The PyTorch chapter's network, as clgrad's examples.SimpleNet documents it."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.layer_1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.layer_2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.layer_2(self.relu(self.layer_1(x)))


def build(meta):
    sizes = [int(s) for s in meta["clgrad.layers"].split(",")]
    if meta["clgrad.architecture"] == "simplenet":
        return SimpleNet(*sizes)
    parts = []
    if meta["clgrad.architecture"] == "cnn":   # clgrad train --model cnn: Conv-BN-ReLU-MaxPool blocks, Flatten
        channels = int(meta["clgrad.input_shape"].split(",")[0])
        for c in (int(s) for s in meta["clgrad.conv_channels"].split(",")):
            parts += [nn.Conv2d(channels, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2)]
            channels = c
        parts.append(nn.Flatten())
    for i in range(len(sizes) - 1):
        parts.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            parts.append(nn.ReLU())
    return nn.Sequential(*parts)


def main():
    state, meta = load_file(sys.argv[1])
    model = build(meta)
    print("metadata:", meta)
    print(model.load_state_dict(state, strict=True))
    x = torch.tensor([[float(v) for v in a.split(",")] for a in sys.argv[2:]])
    if meta["clgrad.architecture"] == "cnn":   # rows of pixels to [N, C, H, W] images
        x = x.reshape(-1, *(int(s) for s in meta["clgrad.input_shape"].split(",")))
    model.eval()
    with torch.no_grad():
        out = model(x)
    for a, row in zip(sys.argv[2:], out):
        if meta["clgrad.task"] == "binary":
            p = torch.sigmoid(row)[0].item()
            print(f"{a} -> class {int(p > 0.5)} (p(class 1) = {p:.4f})")
        else:
            print(f"{a} -> class {int(row.argmax())}")


if __name__ == "__main__":
    main()
