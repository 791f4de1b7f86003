#!/usr/bin/python3
"""An independent safetensors writer and checker, written from the format specification with numpy.

Python's `safetensors` package is not in Debian's archive, so this script implements the format
itself (https://github.com/huggingface/safetensors#format):

    8 bytes      N, unsigned little-endian 64-bit: the header length
    N bytes      UTF-8 JSON object: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}
                 padded with spaces (0x20) to a multiple of 8 bytes (the reference writer does this)
    rest         the data: each tensor row-major, little-endian, at [begin, end) relative to the
                 start of this section; the reference writer packs tensors without gaps, sorted by
                 dtype alignment (largest first) then name, and so does this script

Write the fixture the Java tests read (committed, so the build needs no Python):

    /usr/bin/python3 scripts/make-safetensors-fixture.py

writes clgrad/src/test/resources/safetensors/numpy-written.safetensors and numpy-written.expected.json
(each tensor's dtype, shape and flat values, and the metadata).

Check a file written by clgrad with the reference implementation's rules (header length, strict
JSON, known dtypes, contiguous offsets that cover the data exactly) and print its tensors:

    /usr/bin/python3 scripts/make-safetensors-fixture.py --check FILE

exits 1 with a message when the file breaks a rule.
"""
import json
import os
import struct
import sys

import numpy

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clgrad", "src", "test", "resources", "safetensors")

# safetensors dtype -> numpy little-endian dtype (BF16 has no numpy type: stored as raw uint16 bits)
DTYPES = {
    "BOOL": numpy.dtype("bool"),
    "U8": numpy.dtype("u1"),
    "I8": numpy.dtype("i1"),
    "I16": numpy.dtype("<i2"),
    "U16": numpy.dtype("<u2"),
    "F16": numpy.dtype("<f2"),
    "BF16": numpy.dtype("<u2"),
    "I32": numpy.dtype("<i4"),
    "U32": numpy.dtype("<u4"),
    "F32": numpy.dtype("<f4"),
    "F64": numpy.dtype("<f8"),
    "I64": numpy.dtype("<i8"),
    "U64": numpy.dtype("<u8"),
}

MAX_HEADER = 100_000_000


def bf16_bits(values):
    """float32 values that bfloat16 holds exactly -> their bfloat16 bit patterns."""
    f = numpy.asarray(values, dtype="<f4")
    bits = f.view("<u4")
    assert numpy.all(bits & 0xFFFF == 0), "value not exact in bfloat16"
    return (bits >> 16).astype("<u2")


def write(path, tensors, metadata):
    """tensors: list of (name, safetensors dtype, numpy array already in that dtype's layout)."""
    align = {k: v.itemsize for k, v in DTYPES.items()}
    ordered = sorted(tensors, key=lambda t: (-align[t[1]], t[0]))
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, dtype, arr in ordered:
        arr = numpy.array(arr, dtype=DTYPES[dtype], order="C")  # keeps 0-d arrays 0-d
        data = arr.tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def make_fixture():
    os.makedirs(OUT, exist_ok=True)
    weight = numpy.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 65504.0]], dtype="<f4")
    bias = numpy.array([0.1, 0.2, 0.3], dtype="<f4")  # not exact in binary: checks exact bits
    labels = numpy.array([0, -1, 2147483647, -2147483648], dtype="<i4")
    scalar = numpy.array(2.5, dtype="<f4")
    count = numpy.array(7, dtype="<i4")
    empty = numpy.zeros((0,), dtype="<f4")
    empty2 = numpy.zeros((2, 0), dtype="<i4")
    ids64 = numpy.array([[1, -2], [3, 2147483647]], dtype="<i8")
    half = numpy.array([1.0, -2.5, 0.000061035156, 65504.0], dtype="<f2")  # incl. the smallest normal
    bf = [1.0, -3.5, 256.0]
    f64 = numpy.array([0.25, -1.0e10], dtype="<f8")
    bytes_u8 = numpy.array([0, 127, 255], dtype="u1")
    tensors = [
        ("layer.weight", "F32", weight),
        ("layer.bias", "F32", bias),
        ("labels", "I32", labels),
        ("scalar", "F32", scalar),
        ("count", "I32", count),
        ("empty", "F32", empty),
        ("empty2d", "I32", empty2),
        ("ids64", "I64", ids64),
        ("half", "F16", half),
        ("bf16", "BF16", bf16_bits(bf)),
        ("double", "F64", f64),
        ("bytes", "U8", bytes_u8),
    ]
    metadata = {"format": "pt", "clgrad.model": "Sequential(Linear(3, 2))", "note": "written by numpy ✓"}
    path = os.path.join(OUT, "numpy-written.safetensors")
    write(path, tensors, metadata)

    def expected_values(dtype, arr):
        if dtype == "BF16":
            return [float(v) for v in bf]
        if dtype in ("F32", "F16", "F64"):
            # the float32 value clgrad must produce, as float64 text (exact for float32)
            return [float(v) for v in numpy.asarray(arr).astype("<f4").ravel()]
        return [int(v) for v in numpy.asarray(arr).ravel()]

    expected = {
        "metadata": metadata,
        "tensors": {
            name: {
                "dtype": dtype,
                "clgrad_dtype": "float32" if dtype in ("F32", "F16", "BF16", "F64") else "int32",
                "shape": list(numpy.asarray(arr).shape),
                "values": expected_values(dtype, arr),
            }
            for name, dtype, arr in tensors
        },
    }
    with open(os.path.join(OUT, "numpy-written.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", path)


def fail(path, message):
    print(f"{path}: {message}", file=sys.stderr)
    sys.exit(1)


def check(path):
    """Reads a file with the reference implementation's validation rules and prints its tensors."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        fail(path, "shorter than 8 bytes")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > MAX_HEADER:
        fail(path, f"header length {n} over the limit")
    if 8 + n > len(buf):
        fail(path, f"header length {n} larger than the file")
    raw = buf[8:8 + n]
    if not raw.startswith(b"{"):
        fail(path, "header does not start with '{'")
    if n % 8 != 0:
        print(f"note: header length {n} is not a multiple of 8", file=sys.stderr)

    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            fail(path, "duplicate key in header")
        return dict(pairs)

    header = json.loads(raw.decode("utf-8", errors="strict"), object_pairs_hook=no_dupes)
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        fail(path, "__metadata__ is not a string map")
    data = buf[8 + n:]
    # reference rule: tensors sorted by offsets are contiguous from 0 and cover the data section
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    start = 0
    for name, info in entries:
        dtype = DTYPES.get(info["dtype"])
        if dtype is None:
            fail(path, f"{name}: unknown dtype {info['dtype']}")
        b, e = info["data_offsets"]
        if b != start or e < b:
            fail(path, f"{name}: offsets {b},{e} do not continue at {start}")
        numel = int(numpy.prod(info["shape"], dtype=numpy.int64))
        if numel * dtype.itemsize != e - b:
            fail(path, f"{name}: {e - b} bytes for shape {info['shape']} {info['dtype']}")
        start = e
    if start != len(data):
        fail(path, f"data section is {len(data)} bytes, the tensors cover {start}")
    print(f"{path}: {len(header)} tensors, header {n} bytes, data {len(data)} bytes")
    print("metadata:", json.dumps(metadata, ensure_ascii=False))
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = numpy.frombuffer(data[b:e], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        with numpy.printoptions(precision=8, threshold=50):
            print(f"{name}: {info['dtype']} shape={info['shape']} values={arr.ravel().tolist()[:20]}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    elif len(sys.argv) == 1:
        make_fixture()
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
