#!/usr/bin/python3
"""The PyTorch (and numpy) side of `scripts/bench --vs-pytorch`.

Runs the workloads of docs/benchmarks.md in PyTorch on the CPU (torch.set_num_threads, default 2)
and numpy's matmul (OpenBLAS), printing the same line shapes as the Java harness, prefixed with
the library that made them:

    pytorch device: torch 1.13.0 (cpu, 2 threads)
    pytorch gemm n=1024: 95.1 GFLOP/s
    numpy gemm n=1024: 101.3 GFLOP/s
    pytorch simplenet batch=64: 2650 steps/s
    pytorch fmnist mlp epoch 1: 6.12 s (9804 samples/s), test acc 0.8402

Workloads are words on the command line (or, with --serve, one per line on stdin; each answer
ends with a line `end`, errors are a line `error: ...`):

    gemm:N                    square float32 matmul, N x N (median of RUNS runs after WARMUP seconds)
    simplenet:B[:STEPS[:SECS]]
                              SimpleNet(2, 10, 1), BCEWithLogits, Adam lr 0.01, after WARMUP seconds
                              of untimed steps: at least STEPS timed steps (default 2000) and SECS
                              seconds (default 1)
    fmnist:EPOCHS[:LIMIT]     784-512-512-10 MLP on Fashion-MNIST, Adam 1e-3, batch 128, shuffled;
                              LIMIT = train on the first LIMIT training samples only
    fmnistcnn:EPOCHS[:LIMIT]  the same with the CNN of `clgrad train --model cnn` (Conv2d 3x3 pad 1 -
                              BatchNorm2d - ReLU - MaxPool2d(2), 32 then 64 channels, 3136-128-10)
    conv2d:N:C:H:W:K:KS:P     F.conv2d of [N,C,H,W] with [K,C,KS,KS] and bias, padding P, forward and
                              backward (input, weight, bias gradients): GFLOP/s as gemm
    infer:MODEL:B[:CALLS[:SECS[:WSECS]]]
                              mean latency (us) of one inference call of the fmnist mlp or cnn at
                              batch B: model.eval(), torch.no_grad(), logits copied out as numpy; after
                              WSECS seconds (default WARMUP) and 20 calls of untimed calls, at least
                              CALLS timed calls (default 200) and SECS seconds (default 1)

With --export-onnx DIR it writes the inference models instead (DIR/mlp.onnx and DIR/cnn.onnx,
ONNX opset 13 with a free batch axis, the weights of the infer workload) and, for each, a check
file DIR/MODEL.check: an input of batch 2 and PyTorch's logits for it, one line of numbers each,
which scripts/bench-onnxruntime.java compares with ONNX Runtime's before it times anything.

Needs Debian's python3-torch and python3-numpy: run it with /usr/bin/python3.
"""
import argparse
import gzip
import os
import statistics
import struct
import sys
import time

THREADS_DEFAULT = 2


def _set_threads(n):
    # Must happen before numpy (OpenBLAS) and torch start their thread pools.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


def gemm_runs(fn, n, runs, warmup_s):
    """GFLOP/s of fn() (one n x n x n matmul): median over `runs` timed runs after warm-up
    (at least two runs and warmup_s seconds, as the Java side does).

    Each run repeats fn() enough times to do about 2 GFLOP.
    """
    return timed_runs(fn, 2.0 * n * n * n, runs, warmup_s)


def timed_runs(fn, flops, runs, warmup_s):
    """GFLOP/s of fn() doing `flops` FLOP, as gemm_runs measures it."""
    reps = max(1, int(2e9 // flops))
    end = time.perf_counter() + warmup_s
    i = 0
    while i < 2 or time.perf_counter() < end:
        fn()
        i += 1
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return flops / statistics.median(times) / 1e9


def bench_gemm(torch, np, n, runs, warmup_s):
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    pt = gemm_runs(lambda: torch.mm(a, b), n, runs, warmup_s)
    an, bn = a.numpy().copy(), b.numpy().copy()
    npy = gemm_runs(lambda: np.matmul(an, bn), n, runs, warmup_s)
    print(f"pytorch gemm n={n}: {pt:.1f} GFLOP/s")
    print(f"numpy gemm n={n}: {npy:.1f} GFLOP/s")


def timed_loop(fn, warmup_s, min_count, min_s, group, finish=None):
    """Calls fn() untimed for warmup_s seconds (and at least 20 times), then timed in groups of `group`
    calls until at least min_count calls and min_s seconds; finish(last result) runs before the clock
    stops (a read that waits for the work). Returns (timed calls, seconds)."""
    end = time.perf_counter() + warmup_s
    i = 0
    while i < 20 or time.perf_counter() < end:
        fn()
        i += 1
    t0 = time.perf_counter()
    count = 0
    while count < min_count or time.perf_counter() - t0 < min_s:
        for _ in range(group):
            last = fn()
        count += group
    if finish is not None:
        finish(last)
    return count, time.perf_counter() - t0


def bench_simplenet(torch, batch, min_steps, min_s, warmup_s):
    nn = torch.nn
    torch.manual_seed(42)
    model = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1))
    criterion = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    x = torch.randn(batch, 2)
    y = torch.randint(0, 2, (batch, 1)).float()

    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss

    steps, secs = timed_loop(step, warmup_s, min_steps, min_s, 100, lambda loss: loss.item())
    print(f"pytorch simplenet batch={batch}: {steps / secs:.0f} steps/s")


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return data[4 + 4 * dims:], shape


def load_fmnist(torch, np, data_dir, train):
    prefix = "train" if train else "t10k"
    img_bytes, shape = _read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    lab_bytes, _ = _read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    images = np.frombuffer(img_bytes, dtype=np.uint8).reshape(shape[0], -1).astype(np.float32) / 255.0
    labels = np.frombuffer(lab_bytes, dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def fmnist_cnn(nn):
    """The CNN of `clgrad train --model cnn` and clgrad's examples.CnnExample.network()."""
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def bench_fmnist(torch, np, epochs, limit, data_dir, arch="mlp"):
    nn = torch.nn
    torch.manual_seed(42)
    xtr, ytr = load_fmnist(torch, np, data_dir, True)
    xte, yte = load_fmnist(torch, np, data_dir, False)
    if limit:
        xtr, ytr = xtr[:limit], ytr[:limit]
    if arch == "cnn":
        xtr, xte = xtr.reshape(-1, 1, 28, 28), xte.reshape(-1, 1, 28, 28)
        model = fmnist_cnn(nn)
    else:
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = xtr.shape[0]
    g = torch.Generator().manual_seed(42)
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, 128):
            idx = perm[i:i + 128]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            opt.step()
        secs = time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum())
                          for i in range(0, xte.shape[0], 1000))
        acc = correct / xte.shape[0]
        print(f"pytorch fmnist {arch} epoch {epoch}: {secs:.2f} s ({n / secs:.0f} samples/s), test acc {acc:.4f}")


def bench_conv2d(torch, n, c, h, w, k, ks, pad, runs, warmup_s):
    """The conv2d line of the Java side: forward and backward FLOP per second (3 products of
    2*n*k*c*ks*ks*Ho*Wo), timed as gemm."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, c, h, w, generator=g).requires_grad_()
    wt = torch.randn(k, c, ks, ks, generator=g).requires_grad_()
    b = torch.randn(k, generator=g).requires_grad_()
    ho, wo = h + 2 * pad - ks + 1, w + 2 * pad - ks + 1
    grad = torch.randn(n, k, ho, wo, generator=g)
    flops = 3 * 2.0 * n * k * c * ks * ks * ho * wo

    def step():
        x.grad = wt.grad = b.grad = None
        torch.nn.functional.conv2d(x, wt, b, padding=pad).backward(grad)

    label = f"{n}x{c}x{h}x{w} w={k}x{c}x{ks}x{ks} pad={pad}"
    print(f"pytorch conv2d {label}: {timed_runs(step, flops, runs, warmup_s):.1f} GFLOP/s")


def infer_model(torch, model_name, batch):
    """The model of an infer workload (seeded, eval mode) and a random input of `batch` rows."""
    nn = torch.nn
    torch.manual_seed(42)
    if model_name == "cnn":
        model = fmnist_cnn(nn)
        x = torch.randn(batch, 1, 28, 28)
    elif model_name == "mlp":
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        x = torch.randn(batch, 784)
    else:
        raise ValueError(f"unknown inference model '{model_name}' (mlp or cnn)")
    return model.eval(), x


def export_onnx(torch, out_dir):
    """Writes OUT_DIR/MODEL.onnx and OUT_DIR/MODEL.check for the mlp and the cnn (see the module doc)."""
    os.makedirs(out_dir, exist_ok=True)
    for name in ("mlp", "cnn"):
        model, x = infer_model(torch, name, 2)
        path = os.path.join(out_dir, f"{name}.onnx")
        with torch.no_grad():
            torch.onnx.export(model, x, path, input_names=["x"], output_names=["logits"], opset_version=13,
                              dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
            logits = model(x)
        with open(os.path.join(out_dir, f"{name}.check"), "w") as f:
            f.write(" ".join(str(d) for d in x.shape) + "\n")
            f.write(" ".join(repr(float(v)) for v in x.flatten()) + "\n")
            f.write(" ".join(repr(float(v)) for v in logits.flatten()) + "\n")
        print(f"exported {path}")


def bench_infer(torch, model_name, batch, min_calls, min_s, warmup_s):
    """The infer line of the Java side: mean wall time of model(x) -> numpy copy, no grad, eval mode."""
    model, x = infer_model(torch, model_name, batch)

    def call():
        return model(x).numpy().copy()

    with torch.no_grad():
        calls, secs = timed_loop(call, warmup_s, min_calls, min_s, 20)
    us = secs / calls * 1e6
    print(f"pytorch infer {model_name} batch={batch}: {us:.1f} us")


def run_one(word, torch, np, args):
    parts = word.strip().split(":")
    kind = parts[0]
    nums = [float(p) for p in parts[1:]] if kind != "infer" else []
    if kind == "gemm" and len(nums) == 1:
        bench_gemm(torch, np, int(nums[0]), args.runs, args.warmup_seconds)
    elif kind == "simplenet" and 1 <= len(nums) <= 3:
        bench_simplenet(torch, int(nums[0]), int(nums[1]) if len(nums) > 1 else 2000,
                        nums[2] if len(nums) > 2 else 1.0, args.warmup_seconds)
    elif kind in ("fmnist", "fmnistcnn") and 1 <= len(nums) <= 2:
        bench_fmnist(torch, np, int(nums[0]), int(nums[1]) if len(nums) > 1 else 0, args.data_dir,
                     "cnn" if kind == "fmnistcnn" else "mlp")
    elif kind == "infer" and 2 <= len(parts) - 1 <= 5:
        nums = [float(p) for p in parts[2:]]
        bench_infer(torch, parts[1], int(nums[0]), int(nums[1]) if len(nums) > 1 else 200,
                    nums[2] if len(nums) > 2 else 1.0, nums[3] if len(nums) > 3 else args.warmup_seconds)
    elif kind == "conv2d" and len(nums) == 7:
        bench_conv2d(torch, *(int(v) for v in nums), args.runs, args.warmup_seconds)
    else:
        raise ValueError(f"unknown workload '{word.strip()}' (expected gemm:N, simplenet:B[:STEPS[:SECS]],"
                         " fmnist:E[:LIMIT], fmnistcnn:E[:LIMIT], conv2d:N:C:H:W:K:KS:P,"
                         " infer:MODEL:B[:CALLS[:SECS[:WSECS]]])")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("workloads", nargs="*", help="gemm:N, simplenet:B[:STEPS[:SECS]], fmnist:EPOCHS[:LIMIT],"
                   " fmnistcnn:EPOCHS[:LIMIT], conv2d:N:C:H:W:K:KS:P, infer:MODEL:B[:CALLS[:SECS[:WSECS]]]")
    p.add_argument("--threads", type=int, default=THREADS_DEFAULT, help="torch and OpenBLAS threads (default 2)")
    p.add_argument("--runs", type=int, default=5, help="timed gemm runs, the median is reported (default 5)")
    p.add_argument("--warmup-seconds", type=float, default=1.0,
                   help="untimed warm-up before each gemm size and SimpleNet batch (default 1)")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist", help="Fashion-MNIST IDX files")
    p.add_argument("--serve", action="store_true", help="read workloads from stdin, one per line; 'end' after each")
    p.add_argument("--export-onnx", metavar="DIR", help="write the infer models as ONNX files to DIR and exit")
    args = p.parse_args()
    if args.export_onnx:
        import torch
        export_onnx(torch, args.export_onnx)
        return 0

    _set_threads(args.threads)
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    print(f"pytorch device: torch {torch.__version__} (cpu, {torch.get_num_threads()} threads)")
    print(f"numpy device: numpy {np.__version__} (matmul, {args.threads} OpenBLAS threads)", flush=True)

    if not args.serve:
        for w in args.workloads:
            run_one(w, torch, np, args)
        return 0
    print("end", flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            run_one(line, torch, np, args)
        except Exception as e:  # report and keep serving: the Java side prints it and goes on
            print(f"error: {type(e).__name__}: {e}".replace("\n", " "))
        print("end", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
