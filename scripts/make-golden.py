#!/usr/bin/python3
"""Writes the PyTorch reference fixtures the Java tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy):

    /usr/bin/python3 scripts/make-golden.py

Each fixture is a JSON file under src/test/resources/golden/. The fixtures are committed, so CI
needs no Python. Inputs are float32 values written out in full, so the Java side rebuilds exactly
the tensors PyTorch saw.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "golden")


def values_of(t):
    """Flat list of the tensor's values; non-finite floats as strings (JSON has no NaN)."""
    out = []
    for v in t.flatten().tolist():
        if isinstance(v, float) and not math.isfinite(v):
            out.append("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        else:
            out.append(v)
    return out


def print_case(name, t):
    # clgrad prints dtype=int32 where PyTorch prints dtype=torch.int32 (there is no torch in Java).
    return {
        "name": name,
        "dtype": "int32" if t.dtype == torch.int32 else "float32",
        "shape": list(t.shape),
        "values": values_of(t),
        "expected": str(t).replace("torch.int32", "int32"),
    }


def printing():
    g = torch.Generator().manual_seed(1234)
    cases = [
        print_case("row", torch.tensor([[0.1, 0.2]])),
        print_case("arange30", torch.arange(30.0)),
        print_case("sci small", torch.tensor([1e-5, 1.0])),
        print_case("scalar", torch.tensor(0.5)),
        print_case("int scalar", torch.tensor(3, dtype=torch.int32)),
        print_case("randn 3x4", torch.randn(3, 4, generator=g)),
        print_case("randn 2x3x4", torch.randn(2, 3, 4, generator=g)),
        print_case("randn 40x50 summarized", torch.randn(40, 50, generator=g)),
        print_case("randn 1500 summarized", torch.randn(1500, generator=g)),
        print_case("randn 4x5x60 summarized", torch.randn(4, 5, 60, generator=g) * 100),
        print_case("big ints", torch.tensor([1.0, 1e9])),
        print_case("int mode", torch.tensor([100.0, -2.0, 7.0])),
        print_case("zeros", torch.zeros(2)),
        print_case("non finite", torch.tensor([-0.5, float("nan"), float("inf"), float("-inf")])),
        print_case("int32", torch.tensor([1, -20, 300], dtype=torch.int32)),
        print_case("int32 matrix", torch.tensor([[1, 2], [30, -4]], dtype=torch.int32)),
        print_case("empty", torch.zeros(0)),
        print_case("empty 2x0", torch.zeros(2, 0)),
        print_case("ties", torch.tensor([0.03125, 0.09375, -0.15625])),
        print_case("negative tiny", torch.tensor([-1e-5, 2.0])),
        print_case("mixed", torch.tensor([100.0, 2.5])),
        print_case("large", torch.tensor([123456.789, 0.5])),
        print_case("column", torch.tensor([[1.5], [-2.25], [3.0]])),
        print_case("wide 4x20", torch.randn(4, 20, generator=g)),
    ]
    return {"cases": cases}


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        # One case per line: diffs stay readable without a 10,000-line file.
        f.write("{\"cases\": [\n")
        f.write(",\n".join(json.dumps(c) for c in data["cases"]))
        f.write("\n]}\n")
    print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    torch.set_printoptions(profile="default")
    write("print.json", printing())
