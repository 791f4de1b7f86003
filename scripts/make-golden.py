#!/usr/bin/python3
"""Writes the PyTorch reference fixtures the Java tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy):

    /usr/bin/python3 scripts/make-golden.py

Each fixture is a JSON file under clgrad/src/test/resources/golden/. The fixtures are committed, so CI
needs no Python. Inputs are float32 values written out in full, so the Java side rebuilds exactly
the tensors PyTorch saw.

Fixtures: print.json (tensor printing), simplenet.json, linear.json, activations.json, losses.json,
optimizers.json, mlp.json, conv.json, batchnorm.json, batchnorm_state.json (+ batchnorm2d.safetensors),
pool.json; read by the tests in clgrad/src/test/java/io/clgrad/golden/. See
docs/golden-fixtures.md for their format and the tolerance rule.
"""
import json
import math
import os

import numpy
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clgrad", "src", "test", "resources", "golden")


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


# ---------------------------------------------------------------------------------------------
# Parity fixtures: every input, initial weight and expected value is written out in full as a
# float32 value (the shortest decimal that reads back to the same float32), so the Java side
# rebuilds exactly the tensors PyTorch saw and never depends on matching random generators.
# A tensor is {"shape": [...], "data": [...]} (int32 tensors add "dtype": "int32").

def f32(v):
    """The shortest decimal that reads back to the same float32, as a Python float."""
    v = numpy.float32(v)
    if not numpy.isfinite(v):
        return "nan" if numpy.isnan(v) else ("inf" if v > 0 else "-inf")
    return float(str(v))  # str() of a numpy float32 is its shortest round-trip repr


def T(t):
    t = t.detach()
    if t.dtype in (torch.int32, torch.int64):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.flatten().tolist()]}
    return {"shape": list(t.shape), "data": [f32(v) for v in t.float().flatten().numpy()]}


def params_of(model):
    return {k: T(v) for k, v in model.state_dict().items()}


def grads_of(model):
    return {k: T(p.grad) for k, p in model.named_parameters()}


class SimpleNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = torch.nn.Linear(2, 10)
        self.relu = torch.nn.ReLU()
        self.layer_2 = torch.nn.Linear(10, 1)

    def forward(self, x):
        return self.layer_2(self.relu(self.layer_1(x)))


def build_model(spec):
    """spec: a list of ["linear", in, out] / ["linear", in, out, false] / ["relu"] / ["sigmoid"] / ["tanh"]."""
    layers = []
    for s in spec:
        if s[0] == "linear":
            layers.append(torch.nn.Linear(s[1], s[2], bias=(len(s) < 4 or s[3])))
        else:
            layers.append({"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh}[s[0]]())
    return torch.nn.Sequential(*layers)


def build_loss(spec):
    kw = {"reduction": spec.get("reduction", "mean")}
    for k in ("weight", "pos_weight"):
        if k in spec:
            kw[k] = torch.tensor(spec[k]["data"], dtype=torch.float32).reshape(spec[k]["shape"])
    for k in ("label_smoothing", "ignore_index"):
        if k in spec:
            kw[k] = spec[k]
    return getattr(torch.nn, spec["type"])(**kw)


def build_optimizer(spec, params):
    kw = {k: v for k, v in spec.items() if k != "type"}
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    return getattr(torch.optim, spec["type"])(params, **kw)


def training_case(name, model, names, spec, loss_spec, opt_spec, x, y, steps, snapshots, params=None):
    """Trains model on the one batch (x, y) for `steps` full steps and records everything (params: what
    the optimizer updates, by default every parameter)."""
    x = x.float()
    criterion = build_loss(loss_spec)
    opt = build_optimizer(opt_spec, model.parameters() if params is None else params)
    case = {"name": name, "model": spec, "names": names, "loss": loss_spec, "optimizer": opt_spec,
            "x": T(x), "y": T(y), "params": params_of(model), "steps": steps}
    losses = []
    snaps = {}
    for step in range(1, steps + 1):
        opt.zero_grad()
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        if step == 1:
            case["output"] = T(out)
            case["grads"] = grads_of(model)
        losses.append(f32(loss.item()))
        opt.step()
        if step in snapshots:
            snaps[str(step)] = params_of(model)
    case["losses"] = losses
    case["after"] = snaps
    return case


def simplenet():
    torch.manual_seed(0)
    model = SimpleNet()
    x = torch.randn(5, 2)
    y = torch.randint(0, 2, (5, 1)).float()
    spec = [["linear", 2, 10], ["relu"], ["linear", 10, 1]]
    return {"cases": [training_case("simplenet bce adam", model, ["layer_1", "relu", "layer_2"], spec,
                                    {"type": "BCEWithLogitsLoss"}, {"type": "Adam", "lr": 0.01},
                                    x, y, 10, (1, 10))]}


def linear():
    torch.manual_seed(1)
    cases = []
    for name, fin, fout, bias, xshape in [
        ("linear 3->4", 3, 4, True, (6, 3)),
        ("linear 3->4 no bias", 3, 4, False, (6, 3)),
        ("linear 5->1", 5, 1, True, (7, 5)),
        ("linear 4->2 3d input", 4, 2, True, (2, 3, 4)),
        ("linear 1d input", 3, 2, True, (3,)),
    ]:
        lin = torch.nn.Linear(fin, fout, bias=bias)
        x = torch.randn(*xshape).requires_grad_(True)
        y = lin(x)
        upstream = torch.randn(*y.shape)
        (y * upstream).sum().backward()
        c = {"name": name, "in": fin, "out": fout, "bias": bias, "params": params_of(lin),
             "x": T(x), "upstream": T(upstream), "output": T(y), "x_grad": T(x.grad), "grads": grads_of(lin)}
        cases.append(c)
    return {"cases": cases}


def activations():
    torch.manual_seed(2)
    base = torch.cat([torch.randn(20) * 3, torch.tensor([0.0, -0.0, 1e-4, -1e-4, 20.0, -20.0, 50.0, -50.0, 100.0, -100.0])])
    cases = []
    for act in ("relu", "sigmoid", "tanh"):
        x = base.clone().reshape(5, 6).requires_grad_(True)
        y = getattr(torch, act)(x)
        upstream = torch.randn(5, 6)
        (y * upstream).sum().backward()
        cases.append({"name": act, "activation": act, "x": T(x), "upstream": T(upstream),
                      "output": T(y), "x_grad": T(x.grad)})
    return {"cases": cases}


def losses():
    torch.manual_seed(3)
    n, c = 6, 4
    logits = torch.randn(n, c) * 2
    bin_target = torch.randint(0, 2, (n, c)).float()
    soft_target = torch.rand(n, c)
    probs = torch.sigmoid(torch.randn(n, c) * 2)
    reg_input, reg_target = torch.randn(n, c), torch.randn(n, c)
    idx = torch.randint(0, c, (n,), dtype=torch.int32)
    idx_ignored = idx.clone()
    idx_ignored[1] = -100
    idx_ignored[4] = -100
    idx_custom_ignore = idx.clone()
    idx_custom_ignore[2] = 1
    prob_target = torch.softmax(torch.randn(n, c), dim=1)
    pos_weight = torch.rand(c) * 3 + 0.1
    weight_full = torch.rand(n, c) + 0.5
    weight_row = torch.rand(n, 1) + 0.5
    class_weight = torch.rand(c) + 0.25
    log_probs = torch.log_softmax(torch.randn(n, c), dim=1)

    specs = []
    for red in ("none", "mean", "sum"):
        specs += [
            ("BCEWithLogitsLoss", {}, logits, bin_target),
            ("BCEWithLogitsLoss soft target", {}, logits, soft_target),
            ("BCEWithLogitsLoss pos_weight", {"pos_weight": pos_weight}, logits, bin_target),
            ("BCEWithLogitsLoss weight", {"weight": weight_full}, logits, bin_target),
            ("BCEWithLogitsLoss weight row", {"weight": weight_row}, logits, soft_target),
            ("BCEWithLogitsLoss pos_weight weight", {"pos_weight": pos_weight, "weight": weight_row}, logits, bin_target),
            ("BCELoss", {}, probs, bin_target),
            ("BCELoss soft target", {}, probs, soft_target),
            ("BCELoss weight", {"weight": weight_full}, probs, bin_target),
            ("MSELoss", {}, reg_input, reg_target),
            ("L1Loss", {}, reg_input, reg_target),
            ("CrossEntropyLoss", {}, logits, idx),
            ("CrossEntropyLoss weight", {"weight": class_weight}, logits, idx),
            ("CrossEntropyLoss label_smoothing", {"label_smoothing": 0.1}, logits, idx),
            ("CrossEntropyLoss label_smoothing 0.3 weight", {"label_smoothing": 0.3, "weight": class_weight}, logits, idx),
            ("CrossEntropyLoss ignore_index", {}, logits, idx_ignored),
            ("CrossEntropyLoss ignore_index label_smoothing", {"label_smoothing": 0.2}, logits, idx_ignored),
            ("CrossEntropyLoss custom ignore_index weight", {"ignore_index": 1, "weight": class_weight}, logits, idx_custom_ignore),
            ("CrossEntropyLoss prob target", {}, logits, prob_target),
            ("CrossEntropyLoss prob target label_smoothing", {"label_smoothing": 0.1}, logits, prob_target),
            ("NLLLoss", {}, log_probs, idx),
            ("NLLLoss weight", {"weight": class_weight}, log_probs, idx),
            ("NLLLoss ignore_index", {}, log_probs, idx_ignored),
        ]
    cases = []
    reds = ["none", "mean", "sum"]
    per = len(specs) // 3
    for i, (name, extra, inp, target) in enumerate(specs):
        red = reds[i // per]
        spec = {"type": name.split(" ")[0], "reduction": red}
        for k, v in extra.items():
            spec[k] = T(v) if torch.is_tensor(v) else v
        criterion = build_loss(spec)
        x = inp.clone().requires_grad_(True)
        tgt = target.long() if target.dtype == torch.int32 else target
        out = criterion(x, tgt)
        case = {"name": name + " " + red, "loss": spec, "input": T(x), "target": T(target)}
        if red == "none":
            upstream = torch.randn(*out.shape)
            (out * upstream).sum().backward()
            case["upstream"] = T(upstream)
        else:
            out.backward()
        case["output"] = T(out)
        case["input_grad"] = T(x.grad)
        cases.append(case)
    return {"cases": cases}


def optimizers():
    configs = [
        {"type": "SGD", "lr": 0.1},
        {"type": "SGD", "lr": 0.1, "momentum": 0.9},
        {"type": "SGD", "lr": 0.1, "momentum": 0.9, "dampening": 0.5},
        {"type": "SGD", "lr": 0.1, "momentum": 0.9, "nesterov": True},
        {"type": "SGD", "lr": 0.1, "weight_decay": 0.05},
        {"type": "SGD", "lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01},
        {"type": "Adam", "lr": 0.01},
        {"type": "Adam", "lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6},
        {"type": "Adam", "lr": 0.01, "weight_decay": 0.1},
        {"type": "Adam", "lr": 0.01, "amsgrad": True},
        {"type": "Adam", "lr": 0.01, "weight_decay": 0.05, "amsgrad": True},
        {"type": "AdamW", "lr": 0.01},
        {"type": "AdamW", "lr": 0.01, "weight_decay": 0.1},
        {"type": "AdamW", "lr": 0.02, "weight_decay": 0.05, "amsgrad": True, "betas": [0.85, 0.98]},
    ]
    spec = [["linear", 4, 3]]
    cases = []
    for cfg in configs:
        torch.manual_seed(4)
        model = build_model(spec)
        x, y = torch.randn(8, 4), torch.randn(8, 3)
        name = cfg["type"] + "".join(" %s=%s" % (k, v) for k, v in cfg.items() if k != "type")
        cases.append(training_case(name, model, None, spec, {"type": "MSELoss"}, cfg, x, y, 10, (1, 10)))
    return {"cases": cases}


def mlp():
    torch.manual_seed(5)
    spec = [["linear", 4, 32], ["relu"], ["linear", 32, 32], ["tanh"], ["linear", 32, 3]]
    model = build_model(spec)
    x = torch.randn(64, 4)
    # Three classes split by two fixed directions, so the loss keeps falling for 50 steps.
    y = ((x[:, 0] + x[:, 1] > 0).int() + (x[:, 2] - x[:, 3] > 0.5).int()).int()
    case = training_case("mlp 64 samples adam 50 steps", model, None, spec, {"type": "CrossEntropyLoss"},
                         {"type": "Adam", "lr": 0.01}, x, y.long(), 50, (1, 10, 50))
    case["y"] = T(y)
    return {"cases": [case]}


def conv():
    """conv2d and conv1d over stride, padding (ints and strings), dilation, groups and bias: output and
    the gradients of input, weight and bias for loss = sum(y * upstream); repr of the equivalent module."""
    torch.manual_seed(11)
    cases = []
    for name, xshape, wshape, bias, stride, padding, dilation, groups in [
        ("conv2d 3x3", (2, 3, 6, 5), (4, 3, 3, 3), True, 1, 0, 1, 1),
        ("conv2d stride 2 padding 1", (2, 3, 7, 8), (5, 3, 3, 3), True, 2, 1, 1, 1),
        ("conv2d 3x5 stride (2,1) padding (1,2) dilation (1,2)", (2, 2, 9, 10), (3, 2, 3, 5), True, (2, 1), (1, 2),
         (1, 2), 1),
        ("conv2d dilation 2 padding 2", (1, 4, 8, 8), (4, 4, 3, 3), True, 1, 2, 2, 1),
        ("conv2d groups 2", (2, 4, 6, 6), (6, 2, 3, 3), True, 1, 1, 1, 2),
        ("conv2d depthwise", (2, 3, 6, 5), (6, 1, 3, 3), True, 1, 1, 1, 3),
        ("conv2d 1x1 no bias", (2, 5, 4, 3), (3, 5, 1, 1), False, 1, 0, 1, 1),
        ("conv2d 5x5 stride 2 padding 2", (2, 2, 11, 9), (4, 2, 5, 5), True, 2, 2, 1, 1),
        ("conv2d same, even kernel 2x4", (2, 2, 6, 7), (3, 2, 2, 4), True, 1, "same", 1, 1),
        ("conv2d valid", (1, 2, 5, 6), (2, 2, 3, 2), True, 1, "valid", 1, 1),
        ("conv2d 1->8 padding 1 (a CNN's first layer)", (2, 1, 10, 10), (8, 1, 3, 3), True, 1, 1, 1, 1),
        ("conv1d stride 2 padding 1 groups 2", (2, 4, 9), (6, 2, 3), True, 2, 1, 1, 2),
        ("conv1d same dilation 2", (2, 3, 8), (2, 3, 4), True, 1, "same", 2, 1),
    ]:
        one_d = len(xshape) == 3
        x = torch.randn(*xshape).requires_grad_(True)
        w = (torch.randn(*wshape) * 0.5).requires_grad_(True)
        b = torch.randn(wshape[0]).requires_grad_(True) if bias else None
        f = torch.nn.functional.conv1d if one_d else torch.nn.functional.conv2d
        y = f(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
        upstream = torch.randn(*y.shape)
        (y * upstream).sum().backward()
        module = (torch.nn.Conv1d if one_d else torch.nn.Conv2d)(
            xshape[1], wshape[0], tuple(wshape[2:]), stride=stride, padding=padding, dilation=dilation, groups=groups,
            bias=bias)
        pair = (lambda v: v if isinstance(v, str) else ([v] * (len(xshape) - 2) if isinstance(v, int) else list(v)))
        c = {"name": name, "stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation),
             "groups": groups, "repr": str(module), "x": T(x), "weight": T(w), "upstream": T(upstream),
             "output": T(y), "x_grad": T(x.grad), "weight_grad": T(w.grad)}
        if bias:
            c["bias"] = T(b)
            c["bias_grad"] = T(b.grad)
        cases.append(c)
    return {"cases": cases}


def batchnorm_case(name, kind, shape, steps, seed, **options):
    """A BatchNorm1d/2d trained `steps` steps (a fresh input and upstream gradient each step) from random
    weight, bias and running statistics, then run once in eval mode: every output, input gradient and
    parameter gradient, and the state dict (running statistics, num_batches_tracked) after training."""
    torch.manual_seed(seed)
    cls = torch.nn.BatchNorm1d if kind == "1d" else torch.nn.BatchNorm2d
    m = cls(shape[1], **options)
    with torch.no_grad():
        if m.affine:
            m.weight.copy_(torch.rand(shape[1]) + 0.5)
            m.bias.copy_(torch.randn(shape[1]))
        if m.track_running_stats:
            m.running_mean.copy_(torch.randn(shape[1]) * 0.5)
            m.running_var.copy_(torch.rand(shape[1]) + 0.5)
    case = {"name": name, "kind": kind, "num_features": shape[1], "params": params_of(m), "steps": []}
    for k in ("eps", "momentum", "affine", "track_running_stats"):
        if k in options:
            case[k] = options[k]

    def run(mode):
        x = (torch.randn(*shape) * 2 + 1).requires_grad_(True)
        m.zero_grad()
        y = m(x)
        upstream = torch.randn(*shape)
        (y * upstream).sum().backward()
        out = {"mode": mode, "x": T(x), "upstream": T(upstream), "output": T(y), "x_grad": T(x.grad)}
        if m.affine:
            out["grads"] = grads_of(m)
        return out

    m.train()
    for _ in range(steps):
        case["steps"].append(run("train"))
    case["after"] = params_of(m)
    m.eval()
    case["steps"].append(run("eval"))
    return case


def batchnorm():
    cases = [
        batchnorm_case("BatchNorm1d [8, 5]", "1d", (8, 5), 3, 11),
        batchnorm_case("BatchNorm1d [6, 4, 7]", "1d", (6, 4, 7), 3, 12),
        batchnorm_case("BatchNorm2d [4, 3, 5, 5]", "2d", (4, 3, 5, 5), 3, 13),
        batchnorm_case("BatchNorm2d [5, 6, 5, 5] momentum 0.3 eps 1e-3", "2d", (5, 6, 5, 5), 3, 14,
                       momentum=0.3, eps=1e-3),
        batchnorm_case("BatchNorm2d [4, 3, 4, 4] momentum None", "2d", (4, 3, 4, 4), 3, 15, momentum=None),
        batchnorm_case("BatchNorm2d [4, 3, 4, 4] affine False", "2d", (4, 3, 4, 4), 2, 16, affine=False),
        batchnorm_case("BatchNorm2d [4, 3, 4, 4] track_running_stats False", "2d", (4, 3, 4, 4), 2, 17,
                       track_running_stats=False),
        batchnorm_case("BatchNorm1d [2, 3] two samples", "1d", (2, 3), 2, 18),
    ]
    return {"cases": cases}


def write_safetensors(path, tensors):
    """The safetensors format by hand (the safetensors package is not a dependency): an 8-byte
    little-endian header length, the JSON header padded with spaces to 8 bytes, the raw data."""
    dtypes = {torch.float32: "F32", torch.int64: "I64", torch.int32: "I32"}
    header, blobs, offset = {}, [], 0
    for k, t in tensors.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[k] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for b in blobs:
            f.write(b)
    print("wrote", os.path.relpath(path))


def batchnorm_state_dict():
    """A BatchNorm2d(6) trained 4 steps, its state dict saved as batchnorm2d.safetensors (num_batches_tracked
    int64, as PyTorch keeps it), and its outputs in eval and train mode on a fixed input."""
    torch.manual_seed(19)
    m = torch.nn.BatchNorm2d(6)
    with torch.no_grad():
        m.weight.copy_(torch.rand(6) + 0.5)
        m.bias.copy_(torch.randn(6))
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    for _ in range(4):
        opt.zero_grad()
        (m(torch.randn(5, 6, 4, 4) * 3 + 2) * torch.randn(5, 6, 4, 4)).sum().backward()
        opt.step()
    write_safetensors(os.path.join(OUT, "batchnorm2d.safetensors"), m.state_dict())
    x = torch.randn(3, 6, 4, 4) * 2 + 1
    m.eval()
    y_eval = m(x)
    m.train()
    y_train = m(x)
    return {"cases": [{"name": "BatchNorm2d(6) after 4 SGD steps", "file": "batchnorm2d.safetensors",
                       "num_batches_tracked": 4, "x": T(x), "eval_output": T(y_eval), "train_output": T(y_train),
                       "after_train_step": params_of(m)}]}


def pooling():
    """max_pool2d (values, indices), avg_pool2d and adaptive_avg_pool2d: output and input gradient of
    sum(output * upstream), over kernel/stride/padding/dilation/ceil_mode/count_include_pad/divisor_override."""
    torch.manual_seed(11)
    cases = []

    def size(v):
        return None if v is None else (list(v) if isinstance(v, tuple) else [v])

    def add(name, op, shape, **kw):
        x = torch.randn(*shape)
        if kw.pop("nan", False):
            x.view(-1)[::5] = float("nan")
        x.requires_grad_(True)
        c = {"name": name, "op": op}
        if op == "max":
            k, s, p, d, ceil = kw["k"], kw.get("s"), kw.get("p", 0), kw.get("d", 1), kw.get("ceil", False)
            y, idx = torch.nn.functional.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
            c.update({"kernel_size": size(k), "stride": size(s), "padding": size(p), "dilation": size(d),
                      "ceil_mode": ceil, "indices": T(idx.int())})
        elif op == "avg":
            k, s, p, ceil = kw["k"], kw.get("s"), kw.get("p", 0), kw.get("ceil", False)
            cip, div = kw.get("cip", True), kw.get("div")
            y = torch.nn.functional.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div)
            c.update({"kernel_size": size(k), "stride": size(s), "padding": size(p), "ceil_mode": ceil,
                      "count_include_pad": cip, "divisor_override": div})
        else:
            y = torch.nn.functional.adaptive_avg_pool2d(x, kw["out"])
            c["output_size"] = size(kw["out"])
        upstream = torch.randn(*y.shape)
        y.backward(upstream)  # the gradient of sum(y * upstream), NaN outputs included
        c.update({"x": T(x), "upstream": T(upstream), "output": T(y), "x_grad": T(x.grad)})
        cases.append(c)

    add("max k2", "max", (2, 3, 8, 8), k=2)
    add("max k3 s2 p1 odd", "max", (2, 2, 11, 9), k=3, s=2, p=1)
    add("max k(3,2) s(1,2) p(1,0)", "max", (1, 3, 7, 10), k=(3, 2), s=(1, 2), p=(1, 0))
    add("max k3 s2 p1 d2", "max", (2, 2, 13, 12), k=3, s=2, p=1, d=2)
    add("max k2 s1 d(2,3)", "max", (1, 2, 9, 11), k=2, s=1, d=(2, 3))
    add("max k3 s2 p1 ceil", "max", (2, 2, 6, 6), k=3, s=2, p=1, ceil=True)
    add("max k2 s2 p1 ceil (last window dropped)", "max", (1, 2, 5, 5), k=2, s=2, p=1, ceil=True)
    add("max k3 s2 ceil (overhang)", "max", (1, 3, 8, 7), k=3, s=2, ceil=True)
    add("max k2 s3 (stride above kernel)", "max", (2, 2, 9, 10), k=2, s=3)
    add("max 3d input k2", "max", (3, 6, 7), k=2)
    add("max k2 with NaN", "max", (1, 2, 6, 6), k=2, nan=True)
    add("avg k2", "avg", (2, 3, 8, 8), k=2)
    add("avg k3 s2 p1", "avg", (2, 2, 11, 9), k=3, s=2, p=1)
    add("avg k3 s2 p1 count_include_pad=False", "avg", (2, 2, 11, 9), k=3, s=2, p=1, cip=False)
    add("avg k(3,2) s(1,2) p(1,0)", "avg", (1, 3, 7, 10), k=(3, 2), s=(1, 2), p=(1, 0))
    add("avg k3 s2 p1 ceil", "avg", (2, 2, 6, 6), k=3, s=2, p=1, ceil=True)
    add("avg k3 s2 ceil (overhang)", "avg", (1, 3, 8, 7), k=3, s=2, ceil=True)
    add("avg k3 s2 ceil (overhang) count_include_pad=False", "avg", (1, 3, 8, 7), k=3, s=2, ceil=True, cip=False)
    add("avg k2 s2 p1 ceil count_include_pad=False", "avg", (1, 2, 5, 5), k=2, s=2, p=1, ceil=True, cip=False)
    add("avg k3 s1 p1 divisor_override=4", "avg", (1, 2, 6, 5), k=3, s=1, p=1, div=4)
    add("avg 3d input k2 s1", "avg", (3, 5, 6), k=2, s=1)
    add("adaptive 1 (global)", "adaptive", (2, 3, 7, 5), out=1)
    add("adaptive (4,3) divisible", "adaptive", (2, 2, 8, 6), out=(4, 3))
    add("adaptive (3,4) not divisible", "adaptive", (2, 2, 7, 9), out=(3, 4))
    add("adaptive 5 larger than input", "adaptive", (1, 2, 3, 4), out=5)
    add("adaptive 3d input (2,3)", "adaptive", (3, 5, 7), out=(2, 3))
    return {"cases": cases}


def cnn_training():
    """The CNN family of `clgrad train --model cnn`, scaled down so that the fixture stays small:
    Conv2d(1,4,3,padding=1)-BatchNorm2d(4)-ReLU-MaxPool2d(2)-Conv2d(4,8,3,padding=1)-BatchNorm2d(8)-ReLU-
    MaxPool2d(2)-Flatten-Linear(72,16)-ReLU-Linear(16,10) (nn.Sequential keys as the CLI's) on 16 images of
    1x12x12, trained 20 steps in training mode with CrossEntropyLoss and Adam(lr=0.01) on the one batch:
    the initial state dict, the output and gradients of step 1, every loss, the state dict (running
    statistics and num_batches_tracked included) after steps 1, 10 and 20, and the output in eval mode.
    The convolutions' biases are left out of the optimizer (kept at their initial values, still applied
    and differentiated): BatchNorm subtracts any per-channel constant, so their true gradient is 0 and
    the computed one is rounding noise of ~1e-9, which Adam's normalisation turns into steps of about lr
    with a sign that differs between any two implementations."""
    torch.manual_seed(23)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(72, 16), nn.ReLU(), nn.Linear(16, 10))
    x = torch.randn(16, 1, 12, 12)
    y = torch.randint(0, 10, (16,))
    frozen = ["0.bias", "4.bias"]
    spec = [["conv2d", 1, 4, 3, 1], ["batchnorm2d", 4], ["relu"], ["maxpool2d", 2],
            ["conv2d", 4, 8, 3, 1], ["batchnorm2d", 8], ["relu"], ["maxpool2d", 2],
            ["flatten"], ["linear", 72, 16], ["relu"], ["linear", 16, 10]]
    model.train()
    case = training_case("cnn 16x1x12x12 adam 20 steps", model, None, spec, {"type": "CrossEntropyLoss"},
                         {"type": "Adam", "lr": 0.01}, x, y, 20, (1, 10, 20),
                         [p for n, p in model.named_parameters() if n not in frozen])
    case.update({"channels": [4, 8], "hidden": 16, "classes": 10, "frozen": frozen})
    model.eval()
    with torch.no_grad():
        case["eval_output"] = T(model(x))
    return {"cases": [case]}


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
    write("simplenet.json", simplenet())
    write("linear.json", linear())
    write("activations.json", activations())
    write("losses.json", losses())
    write("optimizers.json", optimizers())
    write("mlp.json", mlp())
    write("conv.json", conv())
    write("batchnorm.json", batchnorm())
    write("batchnorm_state.json", batchnorm_state_dict())
    write("pool.json", pooling())
    write("cnn.json", cnn_training())
