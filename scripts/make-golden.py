#!/usr/bin/python3
"""Writes the PyTorch reference fixtures the Java tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy; python3-pil for image_decoding):

    /usr/bin/python3 scripts/make-golden.py

Each fixture is a JSON file under clgrad/src/test/resources/golden/. The fixtures are committed, so CI
needs no Python. Inputs are float32 values written out in full, so the Java side rebuilds exactly
the tensors PyTorch saw.

Fixtures: print.json (tensor printing), simplenet.json, linear.json, activations.json, losses.json,
optimizers.json, mlp.json, conv.json, batchnorm.json, batchnorm_state.json (+ batchnorm2d.safetensors),
pool.json, cnn_state.json (+ cnn.safetensors), indexing.json, index_ops.json, types.json, join.json,
activation_math.json, image_transforms.json, optimizers_rmsprop_adagrad.json, schedulers.json, reductions.json, nn_modules.json, autograd.json, cnn.json,
image_decoding.json (+ images/); read by the tests in clgrad/src/test/java/io/clgrad/golden/. See
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


def index_ops():
    """index_select, gather, scatter, scatter_add, scatter(value), masked_fill, where, masked_select,
    x[mask] and one_hot: output and the gradients of sum(output * upstream) for x (and src, y)."""
    torch.manual_seed(12)
    cases = []

    def add(name, op, x, fn, dim=None, index=None, src=None, mask=None, y=None, value=None, extra=None):
        x = x.clone().requires_grad_(True)
        if src is not None:
            src = src.clone().requires_grad_(True)
        if y is not None:
            y = y.clone().requires_grad_(True)
        out = fn(x, src if src is not None else y)
        upstream = torch.randn(*out.shape)
        out.backward(upstream)
        c = {"name": name, "op": op, "x": T(x), "upstream": T(upstream), "output": T(out), "x_grad": T(x.grad)}
        if dim is not None:
            c["dim"] = dim
        if index is not None:
            c["index"] = T(index.int())
        if src is not None:
            c.update({"src": T(src), "src_grad": T(src.grad)})
        if y is not None:
            c.update({"y": T(y), "y_grad": T(y.grad)})
        if mask is not None:
            c["mask"] = T(mask.float())
        if value is not None:
            c["value"] = value
        cases.append(c)

    for dim, shape in ((0, (5, 4)), (1, (3, 6, 2)), (-1, (2, 3, 7))):
        idx = torch.randint(0, shape[dim], (6,))
        add("index_select dim %d %s" % (dim, list(shape)), "index_select", torch.randn(*shape),
            lambda x, _, d=dim, i=idx: x.index_select(d, i), dim=dim, index=idx)
    for dim, ishape in ((0, (6, 3, 4)), (1, (2, 7, 3)), (2, (3, 4, 9)), (-2, (1, 3, 2))):
        shape = (4, 5, 6)
        idx = torch.randint(0, shape[dim], ishape)
        add("gather dim %d index %s" % (dim, list(ishape)), "gather", torch.randn(*shape),
            lambda x, _, d=dim, i=idx: x.gather(d, i), dim=dim, index=idx)
    # scatter: indices distinct along dim (PyTorch leaves the winner of repeats unspecified)
    idx = torch.stack([torch.randperm(6)[:4] for _ in range(5)], dim=1)            # [4, 5] into [6, 5], dim 0
    add("scatter dim 0", "scatter", torch.randn(6, 5), lambda x, s, i=idx: x.scatter(0, i, s), dim=0, index=idx,
        src=torch.randn(4, 5))
    idx = torch.stack([torch.randperm(7)[:3] for _ in range(2)], dim=0)             # [2, 3] into [3, 7], dim 1
    add("scatter dim -1, index smaller off dim", "scatter", torch.randn(3, 7),
        lambda x, s, i=idx: x.scatter(-1, i, s), dim=-1, index=idx, src=torch.randn(2, 3))
    # src of the index's shape: PyTorch 1.13's backward rejects a larger src (clgrad pads its gradient)
    for dim, ishape, sshape in ((0, (9, 4), (9, 4)), (1, (3, 8, 2), (3, 8, 2)), (-1, (2, 5, 12), (2, 5, 12))):
        shape = (5, 4) if len(ishape) == 2 else (4, 5, 6)
        idx = torch.randint(0, shape[dim], ishape)
        add("scatter_add dim %d index %s (repeats)" % (dim, list(ishape)), "scatter_add", torch.randn(*shape),
            lambda x, s, d=dim, i=idx: x.scatter_add(d, i, s), dim=dim, index=idx, src=torch.randn(*sshape))
    idx = torch.randint(0, 6, (3, 4))
    add("scatter value 2.5 dim 1", "scatter_value", torch.randn(3, 6), lambda x, _, i=idx: x.scatter(1, i, 2.5),
        dim=1, index=idx, value=2.5)
    mask = torch.rand(3, 1, 5) > 0.5
    add("masked_fill broadcast mask", "masked_fill", torch.randn(3, 4, 5),
        lambda x, _, m=mask: x.masked_fill(m, -1.5), mask=mask, value=-1.5)
    mask = torch.rand(4, 1) > 0.5
    add("where broadcast", "where", torch.randn(1, 6), lambda x, y, m=mask: torch.where(m, x, y), mask=mask,
        y=torch.randn(4, 6))
    mask = torch.rand(3, 4) > 0.4
    add("masked_select broadcast", "masked_select", torch.randn(2, 3, 4), lambda x, _, m=mask: x.masked_select(m),
        mask=mask)
    mask = torch.rand(5) > 0.5
    add("x[row mask]", "get_mask", torch.randn(5, 2, 3), lambda x, _, m=mask: x[m], mask=mask)
    mask = torch.rand(4, 3) > 0.5
    add("x[full mask]", "get_mask", torch.randn(4, 3), lambda x, _, m=mask: x[m], mask=mask)
    labels = torch.randint(0, 7, (2, 5))
    cases.append({"name": "one_hot 7 classes", "op": "one_hot", "index": T(labels.int()), "num_classes": 7,
                  "output": T(torch.nn.functional.one_hot(labels, 7).int())})
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


def cnn_model():
    """The Fashion-MNIST CNN of the CLI (clgrad train --model cnn), as one nn.Sequential."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(3136, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def cnn_state_dict():
    """The CNN trained 3 Adam steps on random images (so the BatchNorm statistics have moved), its state
    dict saved by PyTorch as cnn.safetensors (num_batches_tracked int64), and its logits on 4 fixed images
    in eval mode, and in train mode (batch statistics)."""
    torch.manual_seed(23)
    m = cnn_model()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(m(torch.rand(16, 1, 28, 28)), torch.randint(0, 10, (16,))).backward()
        opt.step()
    write_safetensors(os.path.join(OUT, "cnn.safetensors"), m.state_dict())
    x = torch.rand(4, 1, 28, 28)
    m.eval()
    with torch.no_grad():
        y_eval = m(x)
        m.train()
        y_train = m(x)
    return {"cases": [{"name": "Fashion-MNIST CNN after 3 Adam steps", "file": "cnn.safetensors", "x": T(x),
                       "eval_logits": T(y_eval), "train_logits": T(y_train),
                       "repr": repr(m)}]}


def indexing():
    """The views of basic indexing: select, narrow, slicing with steps (negative and clamped bounds),
    split (a size and a list of sizes), chunk, unbind and Python index strings (x[...] with integers,
    slices, ... and None; the Java side parses the same text): each output, and the input gradient of
    sum(output_i * upstream_i) over all outputs."""
    torch.manual_seed(12)
    cases = []

    def add(name, shape, op, f, **args):
        x = torch.randn(*shape).requires_grad_(True)
        y = f(x)
        ys = list(y) if isinstance(y, (tuple, list)) else [y]
        ups = [torch.randn(t.shape) for t in ys]
        sum(((t * u).sum() for t, u in zip(ys, ups)), torch.zeros(())).backward()
        c = {"name": name, "op": op, "x": T(x), "outputs": [T(t) for t in ys], "upstreams": [T(u) for u in ups],
             "x_grad": T(x.grad)}
        c.update(args)
        cases.append(c)

    def get(index, shape):
        add("x[" + index + "] of " + str(list(shape)), shape, "get", lambda x: eval("x[" + index + "]"),
            index=index)

    for dim, index, shape in [(0, 1, (3, 4)), (1, -1, (3, 4)), (-1, 2, (2, 3, 5)), (0, 0, (1,)), (2, -4, (2, 3, 4))]:
        add("select(%d, %d) of %s" % (dim, index, list(shape)), shape, "select", lambda x: x.select(dim, index),
            args=[dim, index])
    for dim, start, length, shape in [(0, 1, 2, (4, 3)), (1, -3, 2, (2, 5)), (-1, 0, 0, (3, 4)), (1, 2, 3, (2, 5, 3))]:
        add("narrow(%d, %d, %d) of %s" % (dim, start, length, list(shape)), shape, "narrow",
            lambda x: x.narrow(dim, start, length), args=[dim, start, length])
    for split, dim, shape in [(2, 0, (5, 3)), (3, 1, (2, 7)), (4, -1, (2, 3, 4)), ([1, 3, 2], 1, (2, 6)),
                              ([0, 4, 1], 0, (5, 2))]:
        add("split(%s, %d) of %s" % (split, dim, list(shape)), shape, "split", lambda x: x.split(split, dim),
            args=[split, dim])
    for chunks, dim, shape in [(2, 0, (6, 2)), (4, 0, (5, 3)), (3, 1, (2, 7)), (4, -1, (2, 6))]:
        add("chunk(%d, %d) of %s" % (chunks, dim, list(shape)), shape, "chunk", lambda x: x.chunk(chunks, dim),
            args=[chunks, dim])
    for dim, shape in [(0, (3, 4)), (1, (2, 3, 4)), (-1, (2, 3))]:
        add("unbind(%d) of %s" % (dim, list(shape)), shape, "unbind", lambda x: x.unbind(dim), args=[dim])
    for index, shape in [("0", (3, 4)), ("-1", (3, 4)), (":, 1:3", (4, 5)), ("..., ::2", (3, 4, 5)),
                         ("1:, ::3, -2", (4, 7, 3)), ("-3:100, :-1", (5, 4)), ("::2, 1::2", (7, 6)),
                         ("None, 1, ..., None", (3, 4, 2)), ("5:2", (6, 3)), ("-100:2, 2:", (4, 5)),
                         ("..., 0", (2, 3, 4)), ("1, 2", (3, 4)), ("::4, ..., 1:4:2", (9, 2, 5))]:
        get(index, shape)
    return {"cases": cases}
def types():
    """Type promotion of int/float/bool mixes (PyTorch's int64 is clgrad's int32): each case an op on
    tensors or a Python scalar (an int one is Java's add(int), a float one add(float)), the result's
    values and dtype, its repr for bool results (printed alike), or "error" where PyTorch raises."""
    def dt(t):
        return {torch.float32: "float32", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}[t.dtype]

    def tensor(t):
        return {"dtype": dt(t), "shape": list(t.shape), "data": values_of(t.float() if t.dtype == torch.bool else t)}

    ints = torch.tensor([[3, -7, 0], [12, 5, -2]])
    ints2 = torch.tensor([[2, 2, -3], [12, -5, 4]])
    row = torch.tensor([1, -2, 5])
    floats = torch.tensor([[0.5, -1.25, 2.0], [12.0, 5.5, -0.75]])
    mask = torch.tensor([[True, False, True], [False, False, True]])
    mask2 = torch.tensor([[True, True, False], [False, True, True]])
    logits = torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.2, 0.5], [-1.0, -2.0, -0.5], [0.3, 0.1, 0.9], [1.5, 1.0, 2.5]])
    labels = torch.tensor([1, 0, 2, 0, 2])
    operands = {"ints": ints, "ints2": ints2, "row": row, "floats": floats, "mask": mask, "mask2": mask2,
                "logits": logits, "labels": labels}
    cases = []

    def add(name, op, a, b=None, scalar=None, dim=None, expr=None):
        case = {"name": name, "op": op, "a": dict(name=a, **tensor(operands[a]))}
        if b is not None:
            case["b"] = dict(name=b, **tensor(operands[b]))
        if scalar is not None:
            case["scalar"] = scalar
            case["scalar_type"] = "int" if isinstance(scalar, int) else "float"
        if dim is not None:
            case["dim"] = dim
        x = operands[a]
        try:
            if expr is not None:
                y = expr()
            elif op in ("sum", "mean", "max", "min", "argmax", "argmin"):
                y = getattr(x, op)() if dim is None else getattr(x, op)(dim)
                if op in ("max", "min") and dim is not None:
                    y = y.values
            elif op in ("neg", "abs", "relu", "exp", "sqrt", "sigmoid"):
                y = getattr(torch, op)(x)
            else:
                other = operands[b] if b is not None else scalar
                y = getattr(torch, op)(x, other) if op in ("maximum", "minimum") else getattr(x, op)(other)
            case["expected"] = tensor(y)
            if y.dtype == torch.bool:
                case["repr"] = str(y)
        except RuntimeError as e:
            case["error"] = str(e).split("\n")[0]
        cases.append(case)

    for op in ("add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge"):
        add("int " + op + " int", op, "ints", "ints2")
        add("int " + op + " float", op, "ints", "floats")
        add("float " + op + " int (broadcast row)", op, "floats", "row")
        add("bool " + op + " bool", op, "mask", "mask2")
        add("bool " + op + " int", op, "mask", "ints")
        add("bool " + op + " float", op, "mask", "floats")
        add("float " + op + " bool", op, "floats", "mask")
    for op in ("add", "sub", "mul", "div", "eq", "ne", "lt", "le", "gt", "ge"):
        add("int " + op + " int scalar", op, "ints", scalar=3)
        add("int " + op + " float scalar", op, "ints", scalar=2.5)
        add("float " + op + " int scalar", op, "floats", scalar=2)
        add("bool " + op + " int scalar", op, "mask", scalar=2)
        add("bool " + op + " float scalar", op, "mask", scalar=0.5)
    for op in ("neg", "abs", "relu", "exp", "sqrt", "sigmoid"):
        add(op + " of int", op, "ints")
        add(op + " of bool", op, "mask")
    for op in ("sum", "mean", "max", "min", "argmax"):   # argmin: Tensor has none yet (issue 11, step 3)
        for a in ("ints", "mask", "floats"):
            add(op + " of " + a, op, a)
            add(op + "(1) of " + a, op, a, dim=1)
    add("accuracy: logits.argmax(1).eq(labels).sum()", "accuracy", "logits", "labels",
        expr=lambda: logits.argmax(1).eq(labels).sum())
    add("mask.sum() of a comparison: floats.gt(1.0).sum()", "gt_sum", "floats", scalar=1.0,
        expr=lambda: floats.gt(1.0).sum())
    add("masked values: floats * (floats > 0)", "masked", "floats", expr=lambda: floats * (floats > 0))
    add("int overflow wraps", "add", "ints", scalar=2147483647, expr=lambda: ints.int().add(2147483647))
    return {"cases": cases}


def joining():
    """cat, stack, repeat, roll, flip and pad (constant, reflect, replicate, circular): output and the
    inputs' gradients of sum(output * upstream), over dims, negative dims, strided inputs, empty inputs,
    and the paddings PyTorch accepts, negative ones included (cropping; for reflect and replicate its own
    index rule)."""
    torch.manual_seed(31)
    cases = []

    def add(name, op, shapes, f, transpose=False, **args):
        xs = [torch.randn(*s) for s in shapes]
        if transpose:   # the op sees a transposed (strided) view; the fixture stores the view's values
            xs = [x.t().contiguous().t() for x in xs]
        for x in xs:
            x.requires_grad_(True)
        y = f(*[x.t() if transpose else x for x in xs])
        upstream = torch.randn(*y.shape)
        y.backward(upstream)
        c = {"name": name, "op": op, "transpose": transpose,
             "inputs": [T(x) for x in xs], "upstream": T(upstream), "output": T(y),
             "grads": [T(x.grad) for x in xs]}
        c.update(args)
        cases.append(c)

    F = torch.nn.functional
    add("cat dim 0", "cat", [(2, 3), (4, 3), (1, 3)], lambda *xs: torch.cat(xs, 0), dim=0)
    add("cat dim -1 of three", "cat", [(2, 3, 1), (2, 3, 4), (2, 3, 2)], lambda *xs: torch.cat(xs, -1), dim=-1)
    add("cat dim 1 with an empty input", "cat", [(3, 2), (3, 0), (3, 5)], lambda *xs: torch.cat(xs, 1), dim=1)
    add("cat dim 1 of transposes", "cat", [(4, 2), (5, 2)], lambda *xs: torch.cat(xs, 1), transpose=True, dim=1)
    add("stack dim 0", "stack", [(2, 3), (2, 3), (2, 3)], lambda *xs: torch.stack(xs, 0), dim=0)
    add("stack dim 2", "stack", [(3, 4), (3, 4)], lambda *xs: torch.stack(xs, 2), dim=2)
    add("stack dim -2 of transposes", "stack", [(4, 3), (4, 3)], lambda *xs: torch.stack(xs, -2), transpose=True,
        dim=-2)
    add("repeat (2, 3)", "repeat", [(2, 3)], lambda x: x.repeat(2, 3), repeats=[2, 3])
    add("repeat (2, 1, 3, 1) adds a dim", "repeat", [(3, 1, 2)], lambda x: x.repeat(2, 1, 3, 1), repeats=[2, 1, 3, 1])
    add("repeat of a transpose", "repeat", [(3, 2)], lambda x: x.repeat(1, 2), transpose=True, repeats=[1, 2])
    add("roll 2 dim 1", "roll", [(3, 5)], lambda x: torch.roll(x, 2, 1), shifts=[2], dims=[1])
    add("roll (-1, 3) dims (0, 2)", "roll", [(4, 2, 5)], lambda x: torch.roll(x, (-1, 3), (0, 2)), shifts=[-1, 3],
        dims=[0, 2])
    add("roll 7 flattened", "roll", [(3, 4)], lambda x: torch.roll(x, 7), shifts=[7], dims=[])
    add("flip (0, 2)", "flip", [(2, 3, 4)], lambda x: torch.flip(x, (0, 2)), dims=[0, 2])
    add("flip -1 of a transpose", "flip", [(3, 4)], lambda x: torch.flip(x, (-1,)), transpose=True, dims=[-1])

    def pad(name, shape, p, mode="constant", value=0.0):
        add(name, "pad", [shape], lambda x: F.pad(x, p, mode=mode, value=value) if mode == "constant"
            else F.pad(x, p, mode=mode), pad=list(p), mode=mode, value=value)

    pad("constant (1, 2)", (2, 3, 4), (1, 2))
    pad("constant value 0.5 every dim, cropping", (3, 4, 5), (1, 0, -1, 2, 2, -1), value=0.5)
    pad("reflect 1-D (2, 3)", (2, 3, 5), (2, 3), "reflect")
    pad("reflect 1-D unbatched", (3, 6), (5, 1), "reflect")
    pad("reflect 2-D (1, 2, 2, 1)", (2, 2, 4, 5), (1, 2, 2, 1), "reflect")
    pad("reflect 3-D", (1, 2, 3, 4, 4), (1, 2, 2, 1, 1, 2), "reflect")
    pad("reflect (-1, 2) crops", (1, 2, 5), (-1, 2), "reflect")
    pad("reflect (-4, 2): PyTorch's index rule", (1, 1, 3), (-4, 2), "reflect")
    pad("replicate 1-D (3, 4)", (2, 2, 3), (3, 4), "replicate")
    pad("replicate 2-D (2, 0, 1, 3)", (1, 3, 4, 3), (2, 0, 1, 3), "replicate")
    pad("replicate 3-D unbatched", (2, 2, 3, 2), (1, 1, 2, 0, 0, 2), "replicate")
    pad("replicate (-4, 2): PyTorch's index rule", (1, 1, 3), (-4, 2), "replicate")
    pad("replicate (2, -1) crops", (1, 2, 4), (2, -1), "replicate")
    pad("circular 1-D (1, 2)", (1, 2, 3), (1, 2), "circular")
    pad("circular 2-D (3, 3, 1, 2)", (2, 1, 3, 3), (3, 3, 1, 2), "circular")
    pad("circular (-1, 2) wraps the cropped input", (1, 2, 3), (-1, 2), "circular")
    return {"cases": cases}


def activation_math():
    """Issue 11 step (3) elementwise math: clamp (both bounds, one bound, min > max), hardtanh,
    log1p, expm1, erf, gelu (none, tanh), silu, leaky_relu, elu, softplus (default and beta 2,
    threshold 10) on random inputs plus edge values (the bounds themselves, +-0, tiny |x| for
    log1p/expm1, large |x|, the softplus threshold): output and the gradient of sum(y * upstream)."""
    F = torch.nn.functional
    torch.manual_seed(11)
    rand = (torch.randn(24) * 3).tolist()
    common = [0.0, -0.0, 1e-7, -1e-7, 3e-5, -3e-5, 1.0, -1.0, 20.0, -20.0, 50.0, -50.0, 100.0, -100.0]
    cases = []

    def case(name, op, params, fn, edges):
        x = torch.tensor(rand + common + edges, dtype=torch.float32).requires_grad_(True)
        y = fn(x)
        upstream = torch.randn(x.shape)
        (y * upstream).sum().backward()
        cases.append({"name": name, "op": op, "params": params, "x": T(x), "upstream": T(upstream),
                      "output": T(y), "x_grad": T(x.grad)})

    case("clamp(-0.5, 0.75)", "clamp", [-0.5, 0.75], lambda x: torch.clamp(x, -0.5, 0.75), [-0.5, 0.75, -0.50001, 0.75001])
    case("clamp_min(0.25)", "clamp_min", [0.25], lambda x: torch.clamp_min(x, 0.25), [0.25, 0.2500001])
    case("clamp_max(-0.25)", "clamp_max", [-0.25], lambda x: torch.clamp_max(x, -0.25), [-0.25, -0.2500001])
    case("clamp(1, -1): min > max", "clamp", [1.0, -1.0], lambda x: torch.clamp(x, 1.0, -1.0), [])
    case("hardtanh", "hardtanh", [-1.0, 1.0], lambda x: F.hardtanh(x), [0.999999, -0.999999])
    case("hardtanh(0, 6)", "hardtanh", [0.0, 6.0], lambda x: F.hardtanh(x, 0.0, 6.0), [6.0, 5.9999])
    case("log1p", "log1p", [], torch.log1p, [1e-10, -1e-10, 1e6, -0.999, -0.5, 1e-30])
    case("expm1", "expm1", [], torch.expm1, [1e-10, -1e-10, 80.0, 1e-30, -5e-4])
    case("erf", "erf", [], torch.erf, [0.5, -2.5, 4.0])
    case("gelu", "gelu", ["none"], lambda x: F.gelu(x), [-3.0, -6.0, 0.5])
    case("gelu tanh", "gelu", ["tanh"], lambda x: F.gelu(x, approximate="tanh"), [-3.0, -6.0, 0.5])
    case("silu", "silu", [], F.silu, [-3.0, -6.0, 0.5])
    case("leaky_relu", "leaky_relu", [0.01], lambda x: F.leaky_relu(x), [])
    case("leaky_relu(0.2)", "leaky_relu", [0.2], lambda x: F.leaky_relu(x, 0.2), [])
    case("elu", "elu", [1.0], lambda x: F.elu(x), [-1e-10, -0.5])
    case("elu(0.5)", "elu", [0.5], lambda x: F.elu(x, 0.5), [-1e-10, -0.5])
    case("softplus", "softplus", [1.0, 20.0], lambda x: F.softplus(x), [19.99, 20.01, 30.0, -30.0])
    case("softplus(beta=2, threshold=10)", "softplus", [2.0, 10.0], lambda x: F.softplus(x, 2.0, 10.0),
         [5.0, 5.001, 4.999, -10.0])
    return {"cases": cases}
def image_transforms():
    """Image transforms with fixed parameters (golden/image_transforms.json), computed as torchvision
    0.14's tensor functions compute them, through the torch ops they call (torchvision itself is not
    installed for /usr/bin/python3): resize = interpolate(bilinear, align_corners=False,
    antialias=False); center_crop and crop with padding by slicing and F.pad (numpy.pad for
    "symmetric"); rotate = torchvision's affine grid + grid_sample(nearest, align_corners=False) with
    its fill mask; adjust_* = torchvision's _blend, rgb_to_grayscale, _rgb2hsv and _hsv2rgb."""
    g = torch.Generator().manual_seed(2024)
    cases = []

    def img(c, h, w):
        return torch.rand(c, h, w, generator=g)

    def add(name, op, x, out, **params):
        case = {"name": name, "op": op, "x": T(x), "output": T(out)}
        case.update(params)
        cases.append(case)

    for c, h, w, oh, ow in [(1, 6, 5, 9, 7), (3, 7, 9, 4, 5), (3, 8, 8, 3, 3), (1, 5, 7, 5, 7), (2, 4, 6, 11, 3)]:
        x = img(c, h, w)
        y = torch.nn.functional.interpolate(x[None], size=(oh, ow), mode="bilinear", align_corners=False)[0]
        add("resize %dx%dx%d to %dx%d" % (c, h, w, oh, ow), "resize", x, y, size=[oh, ow])

    def center_crop(x, th, tw):
        _, h, w = x.shape
        if tw > w or th > h:
            ltrb = [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                    (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0]
            x = torch.nn.functional.pad(x, [ltrb[0], ltrb[2], ltrb[1], ltrb[3]], value=0.0)
            _, h, w = x.shape
            if tw == w and th == h:
                return x
        top = int(round((h - th) / 2.0))
        left = int(round((w - tw) / 2.0))
        return x[:, top:top + th, left:left + tw]

    for c, h, w, th, tw in [(1, 7, 9, 2, 2), (3, 8, 8, 3, 5), (1, 5, 5, 8, 7), (3, 6, 9, 6, 4), (1, 9, 6, 4, 9)]:
        x = img(c, h, w)
        add("center_crop %dx%dx%d to %dx%d" % (c, h, w, th, tw), "center_crop", x, center_crop(x, th, tw),
            size=[th, tw])

    def pad(x, ltrb, mode, fill):
        l, t, r, b = ltrb
        if mode == "symmetric":
            return torch.from_numpy(numpy.pad(x.numpy(), ((0, 0), (t, b), (l, r)), mode="symmetric"))
        if mode == "constant":
            out = torch.nn.functional.pad(x, [l, r, t, b], value=0.0)
            mask = torch.ones_like(out, dtype=torch.bool)
            mask[:, t:t + x.shape[1], l:l + x.shape[2]] = False
            fills = torch.tensor(fill, dtype=torch.float32).view(-1, 1, 1).expand_as(out)
            return torch.where(mask, fills, out)
        return torch.nn.functional.pad(x[None], [l, r, t, b], mode={"edge": "replicate", "reflect": "reflect"}[mode])[0]

    for c, h, w, padding, mode, fill, th, tw, top, left in [
            (1, 5, 6, [2], "constant", [0.5], 5, 6, 0, 3),
            (3, 4, 5, [1, 2], "constant", [0.1, 0.2, 0.3], 6, 4, 2, 3),
            (1, 5, 6, [2, 1, 3, 0], "edge", [0.0], 4, 7, 2, 4),
            (3, 5, 6, [3], "reflect", [0.0], 8, 8, 1, 4),
            (1, 4, 4, [4, 1], "symmetric", [0.0], 5, 9, 1, 2),
            (2, 6, 5, [1, 0, 2, 3], "symmetric", [0.0], 9, 8, 0, 0)]:
        x = img(c, h, w)
        ltrb = {1: padding * 4, 2: padding * 2, 4: padding}[len(padding)]
        y = pad(x, ltrb, mode, fill)[:, top:top + th, left:left + tw]
        add("crop %s padding %s" % (mode, padding), "crop", x, y, padding=padding, mode=mode, fill=fill,
            size=[th, tw], top=top, left=left)

    def rotate(x, angle, fill):
        c, h, w = x.shape
        rot = math.radians(-angle)
        m = [math.cos(rot), math.sin(rot), 0.0, -math.sin(rot), math.cos(rot), 0.0]   # _get_inverse_affine_matrix
        theta = torch.tensor(m, dtype=torch.float32).reshape(1, 2, 3)
        base = torch.empty(1, h, w, 3)
        base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 + 0.5 - 1, steps=w))
        base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 + 0.5 - 1, steps=h).unsqueeze_(-1))
        base[..., 2].fill_(1)
        grid = base.view(1, h * w, 3).bmm(theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])).view(1, h, w, 2)
        withmask = torch.cat((x[None], torch.ones(1, 1, h, w)), dim=1)
        out = torch.nn.functional.grid_sample(withmask, grid, mode="nearest", padding_mode="zeros", align_corners=False)[0]
        img_, mask = out[:c], out[c:]
        fills = torch.tensor(fill, dtype=torch.float32).view(-1, 1, 1).expand_as(img_)
        return torch.where(mask.expand_as(img_) < 0.5, fills, img_)

    for c, h, w, angle, fill in [(1, 7, 7, 30.0, [0.0]), (3, 6, 8, -17.5, [0.25, 0.5, 0.75]), (1, 9, 5, 90.0, [1.0]),
                                 (3, 5, 5, 180.0, [0.0]), (1, 8, 6, 45.0, [0.0]), (2, 10, 9, -123.0, [0.5])]:
        x = img(c, h, w)
        add("rotate %dx%dx%d by %g" % (c, h, w, angle), "rotate", x, rotate(x, angle, fill), angle=angle, fill=fill)

    def blend(a, b, r):
        return (r * a + (1.0 - r) * b).clamp(0, 1.0)

    def grey(x):
        r, gr, b = x.unbind(dim=-3)
        return (0.2989 * r + 0.587 * gr + 0.114 * b).unsqueeze(dim=-3)

    def rgb2hsv(x):
        r, gr, b = x.unbind(dim=-3)
        maxc = torch.max(x, dim=-3).values
        minc = torch.min(x, dim=-3).values
        eqc = maxc == minc
        cr = maxc - minc
        ones = torch.ones_like(maxc)
        s = cr / torch.where(eqc, ones, maxc)
        crd = torch.where(eqc, ones, cr)
        rc, gc, bc = (maxc - r) / crd, (maxc - gr) / crd, (maxc - b) / crd
        hr = (maxc == r) * (bc - gc)
        hg = ((maxc == gr) & (maxc != r)) * (2.0 + rc - bc)
        hb = ((maxc != gr) & (maxc != r)) * (4.0 + gc - rc)
        h = torch.fmod(((hr + hg + hb) / 6.0 + 1.0), 1.0)
        return torch.stack((h, s, maxc), dim=-3)

    def hsv2rgb(x):
        h, s, v = x.unbind(dim=-3)
        i = torch.floor(h * 6.0)
        f = (h * 6.0) - i
        i = i.to(dtype=torch.int32)
        p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
        q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
        t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
        i = i % 6
        mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
        a1 = torch.stack((v, q, p, p, t, v), dim=-3)
        a2 = torch.stack((t, v, v, q, p, p), dim=-3)
        a3 = torch.stack((p, p, t, v, v, q), dim=-3)
        a4 = torch.stack((a1, a2, a3), dim=-4)
        return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=x.dtype), a4)

    def adjust(x, what, f):
        c = x.shape[0]
        if what == "brightness":
            return blend(x, torch.zeros_like(x), f)
        if what == "contrast":
            mean = torch.mean(grey(x) if c == 3 else x, dim=(-3, -2, -1), keepdim=True)
            return blend(x, mean, f)
        if c == 1:
            return x
        if what == "saturation":
            return blend(x, grey(x), f)
        hsv = rgb2hsv(x)
        h = (hsv[0] + f) % 1.0
        return hsv2rgb(torch.stack((h, hsv[1], hsv[2])))

    for c in (1, 3):
        for what, f in [("brightness", 0.6), ("brightness", 1.7), ("contrast", 0.3), ("contrast", 1.8),
                        ("saturation", 0.2), ("saturation", 1.9), ("hue", 0.13), ("hue", -0.41), ("hue", 0.5)]:
            x = img(c, 5, 6)
            add("adjust_%s %g on %d channels" % (what, f, c), "adjust", x, adjust(x, what, f), adjustment=what,
                factor=f)
    return {"cases": cases}
def rmsprop_adagrad():
    """RMSprop (alpha, eps, weight_decay, momentum, centered) and Adagrad (lr_decay, weight_decay,
    initial_accumulator_value, eps): a Linear(4,3) fitted with MSELoss, as optimizers() records it."""
    configs = [
        {"type": "RMSprop", "lr": 0.01},
        {"type": "RMSprop", "lr": 0.02, "alpha": 0.9, "eps": 1e-6},
        {"type": "RMSprop", "lr": 0.01, "weight_decay": 0.1},
        {"type": "RMSprop", "lr": 0.01, "momentum": 0.9},
        {"type": "RMSprop", "lr": 0.01, "centered": True},
        {"type": "RMSprop", "lr": 0.005, "alpha": 0.95, "momentum": 0.8, "centered": True, "weight_decay": 0.05},
        {"type": "Adagrad", "lr": 0.1},
        {"type": "Adagrad", "lr": 0.1, "lr_decay": 0.05},
        {"type": "Adagrad", "lr": 0.1, "weight_decay": 0.1},
        {"type": "Adagrad", "lr": 0.1, "initial_accumulator_value": 0.5},
        {"type": "Adagrad", "lr": 0.05, "eps": 1e-3},
        {"type": "Adagrad", "lr": 0.2, "lr_decay": 0.1, "weight_decay": 0.02, "initial_accumulator_value": 0.1,
         "eps": 1e-6},
    ]
    return {"cases": [linear_fit_case(cfg) for cfg in configs]}


def linear_fit_case(cfg):
    """optimizers()'s training case for one optimizer config (the same seed, model and batch),
    with parameter snapshots after 1, 5 and 10 steps."""
    options = " ".join("%s=%s" % item for item in cfg.items() if item[0] != "type")
    torch.manual_seed(4)
    spec = [["linear", 4, 3]]
    model = build_model(spec)
    batch = (torch.randn(8, 4), torch.randn(8, 3))
    return training_case(cfg["type"] + " " + options, model, None, spec, {"type": "MSELoss"}, cfg, *batch, 10,
                         (1, 5, 10))


def schedulers():
    """Learning rates (and, for OneCycleLR, momentum / beta1) of MultiStepLR, ExponentialLR, OneCycleLR,
    ReduceLROnPlateau and LambdaLR over many epochs, for an optimizer with two parameter groups (lr 0.1
    and 0.02): "lrs"[e] and "momenta"[e] (SGD's momentum, Adam's beta1) are the groups' values at epoch e,
    after e calls of step() (ReduceLROnPlateau's step(metrics[e]) for epoch e)."""
    lr_sched = torch.optim.lr_scheduler
    cases = []

    def case(name, opt_type, sched_type, kwargs, epochs, metrics=None, lambdas=None):
        w1 = torch.zeros(3, requires_grad=True)
        w2 = torch.zeros(2, requires_grad=True)
        groups = [{"params": [w1]}, {"params": [w2], "lr": 0.02}]
        if opt_type == "SGD":
            opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9)
        else:
            opt = torch.optim.Adam(groups, lr=0.1, betas=(0.9, 0.999))
        if sched_type == "LambdaLR":
            sched = lr_sched.LambdaLR(opt, lambdas)
        else:
            sched = getattr(lr_sched, sched_type)(opt, **kwargs)
        lrs, momenta = [], []
        for e in range(epochs):
            lrs.append([g["lr"] for g in opt.param_groups])
            if opt_type == "SGD":
                momenta.append([g["momentum"] for g in opt.param_groups])
            else:
                momenta.append([g["betas"][0] for g in opt.param_groups])
            if e + 1 == epochs:
                break
            opt.step()
            if metrics is not None:
                sched.step(metrics[e])
            else:
                sched.step()
        c = {"name": name, "optimizer": opt_type, "scheduler": sched_type, "kwargs": kwargs, "epochs": epochs,
             "lrs": lrs, "momenta": momenta}
        if metrics is not None:
            c["metrics"] = metrics
        cases.append(c)

    case("MultiStepLR [3, 7, 7, 12] gamma=0.5", "SGD", "MultiStepLR", {"milestones": [3, 7, 7, 12], "gamma": 0.5}, 16)
    case("MultiStepLR default gamma", "Adam", "MultiStepLR", {"milestones": [2, 5]}, 8)
    case("ExponentialLR gamma=0.9", "SGD", "ExponentialLR", {"gamma": 0.9}, 25)
    case("OneCycleLR cos", "SGD", "OneCycleLR", {"max_lr": [1.0, 0.5], "total_steps": 20}, 21)
    case("OneCycleLR linear pct_start=0.4 Adam", "Adam", "OneCycleLR",
         {"max_lr": 0.3, "total_steps": 17, "pct_start": 0.4, "anneal_strategy": "linear"}, 18)
    case("OneCycleLR three_phase div/final_div momenta", "SGD", "OneCycleLR",
         {"max_lr": 0.8, "epochs": 3, "steps_per_epoch": 9, "three_phase": True, "div_factor": 10.0,
          "final_div_factor": 100.0, "base_momentum": 0.7, "max_momentum": 0.9}, 28)
    case("OneCycleLR no momentum cycling", "Adam", "OneCycleLR",
         {"max_lr": 0.05, "total_steps": 10, "cycle_momentum": False}, 11)
    losses = [1.0, 0.9, 0.95, 0.96, 0.97, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6,
              0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    case("ReduceLROnPlateau default", "SGD", "ReduceLROnPlateau", {}, 30, metrics=losses)
    case("ReduceLROnPlateau patience=2 factor=0.5 cooldown=1 min_lr", "SGD", "ReduceLROnPlateau",
         {"patience": 2, "factor": 0.5, "cooldown": 1, "min_lr": [0.01, 0.004]}, 30, metrics=losses)
    case("ReduceLROnPlateau abs threshold=0.05", "Adam", "ReduceLROnPlateau",
         {"patience": 1, "threshold": 0.05, "threshold_mode": "abs", "factor": 0.3}, 30, metrics=losses)
    accs = [0.5, 0.6, 0.61, 0.615, 0.62, 0.7, 0.69, 0.7, 0.7, 0.71, 0.72, 0.72, 0.72, 0.72, 0.72, 0.72]
    case("ReduceLROnPlateau max rel threshold=0.02 eps=0.01", "SGD", "ReduceLROnPlateau",
         {"mode": "max", "patience": 1, "threshold": 0.02, "factor": 0.2, "eps": 0.01}, 16, metrics=accs)
    case("ReduceLROnPlateau max abs", "SGD", "ReduceLROnPlateau",
         {"mode": "max", "patience": 0, "threshold": 0.005, "threshold_mode": "abs"}, 16, metrics=accs)
    case("LambdaLR 0.95^e and 1/(1+e)", "SGD", "LambdaLR", {"lambdas": ["0.95^e", "1/(1+e)"]}, 12,
         lambdas=[lambda e: 0.95 ** e, lambda e: 1.0 / (1 + e)])
    return {"cases": cases}
def reductions():
    """var/std (correction 0, 1, 2; several dims), logsumexp, prod (with zeros), norm (p 2, 1, inf,
    3; all and along dims), cumsum, max/min(dim) with indices, argmin, sort and topk (values and
    indices, inputs free of ties) and sum/mean over several dims: output (and indices) and the
    gradient of sum(output * upstream)."""
    torch.manual_seed(13)
    cases = []

    def add(name, op, x, fn, **args):
        x = x.clone().requires_grad_(True)
        out = fn(x)
        indices = None
        if isinstance(out, tuple):
            out, indices = out
        c = {"name": name, "op": op, "x": T(x), "output": T(out)}
        c.update(args)
        if indices is not None:
            c["indices"] = T(indices.int())
        if out.requires_grad:
            upstream = torch.randn(out.shape)
            out.backward(upstream)
            c.update({"upstream": T(upstream), "x_grad": T(x.grad)})
        cases.append(c)

    for dims, corr, keep, shape in (([1], 1, False, (4, 5)), ([0, 2], 0, True, (3, 4, 5)),
                                    ([-1], 2, False, (2, 3, 7)), ([], 1, False, (3, 5))):
        for op, f in (("var", torch.var), ("std", torch.std)):
            add("%s dims %s correction %d keepdim %s" % (op, dims, corr, keep), op, torch.randn(*shape),
                lambda x, f=f, d=dims, c=corr, k=keep: f(x, dim=d if d else None, correction=c, keepdim=k),
                dims=dims, correction=corr, keepdim=keep)
    for dim, keep, shape, scale in ((1, False, (3, 6), 1.0), (0, True, (4, 5), 30.0), (-1, False, (2, 3, 4), 100.0)):
        add("logsumexp dim %d scale %g" % (dim, scale), "logsumexp", torch.randn(*shape) * scale,
            lambda x, d=dim, k=keep: torch.logsumexp(x, d, keepdim=k), dims=[dim], keepdim=keep)
    add("logsumexp dims [0, 2]", "logsumexp", torch.randn(3, 4, 5), lambda x: torch.logsumexp(x, [0, 2]),
        dims=[0, 2], keepdim=False)
    x = torch.rand(4, 5) + 0.5
    x[1, 2] = 0.0            # one zero in row 1
    x[2, 0] = 0.0
    x[2, 3] = 0.0            # two zeros in row 2
    add("prod dim 1 with zeros", "prod", x, lambda x: x.prod(1), dims=[1], keepdim=False)
    add("prod dim 0 keepdim", "prod", torch.rand(7, 3) + 0.5, lambda x: x.prod(0, keepdim=True), dims=[0],
        keepdim=True)
    add("prod all", "prod", torch.rand(2, 3, 2) + 0.5, lambda x: x.prod(), dims=[], keepdim=False)
    x = torch.rand(3, 4) + 0.5
    x[1, 1] = 0.0
    add("prod all one zero", "prod", x, lambda x: x.prod(), dims=[], keepdim=False)
    for p in (2.0, 1.0, float("inf"), 3.0):
        add("norm p %g all" % p, "norm", torch.randn(3, 5), lambda x, p=p: x.norm(p), p=f32(p), dims=[],
            keepdim=False)
        add("norm p %g dim 1" % p, "norm", torch.randn(4, 6), lambda x, p=p: x.norm(p, dim=1), p=f32(p), dims=[1],
            keepdim=False)
    add("norm p 2 dims [0, 2] keepdim", "norm", torch.randn(3, 4, 5), lambda x: x.norm(2, dim=[0, 2], keepdim=True),
        p=2.0, dims=[0, 2], keepdim=True)
    for dim, shape in ((0, (5, 3)), (1, (3, 7)), (-1, (2, 3, 9))):
        add("cumsum dim %d" % dim, "cumsum", torch.randn(*shape), lambda x, d=dim: x.cumsum(d), dim=dim)
    for op in ("max", "min"):
        for dim, keep, shape in ((1, False, (4, 6)), (0, True, (5, 3)), (-1, False, (2, 3, 5))):
            add("%s dim %d keepdim %s" % (op, dim, keep), op, torch.randn(*shape),
                lambda x, o=op, d=dim, k=keep: tuple(getattr(x, o)(d, keepdim=k)), dim=dim, keepdim=keep)
    add("argmin all", "argmin_all", torch.randn(4, 5), lambda x: x.argmin())
    add("argmin dim 1", "argmin", torch.randn(4, 5), lambda x: x.argmin(1), dim=1, keepdim=False)
    add("argmin dim 0 keepdim", "argmin", torch.randn(4, 5), lambda x: x.argmin(0, keepdim=True), dim=0, keepdim=True)
    for dim, desc, shape in ((1, False, (4, 6)), (0, True, (5, 3)), (-1, True, (2, 3, 8))):
        add("sort dim %d descending %s" % (dim, desc), "sort", torch.randn(*shape),
            lambda x, d=dim, s=desc: tuple(torch.sort(x, stable=True, dim=d, descending=s)), dim=dim, descending=desc)
    for k, dim, largest, shape in ((3, 1, True, (4, 6)), (2, 0, False, (5, 3)), (1, -1, True, (2, 3, 8)),
                                   (8, -1, False, (2, 8))):
        add("topk k %d dim %d largest %s" % (k, dim, largest), "topk", torch.randn(*shape),
            lambda x, k=k, d=dim, l=largest: tuple(torch.topk(x, k, d, largest=l, sorted=True)), k=k, dim=dim,
            largest=largest)
    for op in ("sum", "mean"):
        for dims, keep, shape in (([0, 2], False, (3, 4, 5)), ([-1, 1], True, (2, 3, 4)), ([1, 0], False, (3, 4))):
            add("%s dims %s keepdim %s" % (op, dims, keep), op, torch.randn(*shape),
                lambda x, o=op, d=dims, k=keep: getattr(x, o)(d, keepdim=k), dims=dims, keepdim=keep)
    return {"cases": cases}
def nn_modules_case(name, kind, args, module, x, x_requires_grad=True):
    """One module case: repr, state dict (randomised parameters), output and the gradients of input and
    parameters for loss = sum(y * upstream)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(*p.shape))
        if kind == "embedding" and module.padding_idx is not None:
            module.weight[module.padding_idx] = torch.randn(module.weight.shape[1])  # a loaded, non-zero row
    if x_requires_grad:
        x.requires_grad_(True)
    y = module(x)
    upstream = torch.randn(*y.shape)
    (y * upstream).sum().backward()
    c = {"name": name, "kind": kind, "args": args, "repr": str(module),
         "state": {k: T(v) for k, v in module.state_dict().items()}, "x": T(x), "upstream": T(upstream),
         "output": T(y), "grads": {k: T(p.grad) for k, p in module.named_parameters()}}
    if x_requires_grad:
        c["x_grad"] = T(x.grad)
    return c


def nn_modules():
    """LayerNorm, GroupNorm, Embedding (padding_idx) and ConvTranspose2d over a few configurations (outputs
    and gradients), and the repr and state-dict keys of ModuleList, ModuleDict and Unflatten."""
    torch.manual_seed(1111)
    nn = torch.nn
    cases = []
    for name, shape, norm, eps, affine in [
        ("layer_norm last dim", (3, 7), [7], 1e-5, True),
        ("layer_norm two dims eps 1e-3", (2, 3, 4, 5), [4, 5], 1e-3, True),
        ("layer_norm no affine", (4, 6), [6], 1e-5, False),
    ]:
        cases.append(nn_modules_case(name, "layer_norm", {"normalized_shape": norm, "eps": eps, "affine": affine},
                                     nn.LayerNorm(norm, eps=eps, elementwise_affine=affine), torch.randn(*shape) * 2 + 1))
    for name, shape, groups, eps, affine in [
        ("group_norm 2 groups 4-D", (2, 6, 3, 4), 2, 1e-5, True),
        ("group_norm 1 group 3-D", (3, 4, 5), 1, 1e-5, True),
        ("group_norm per channel no affine", (2, 3, 5, 2), 3, 1e-3, False),
    ]:
        cases.append(nn_modules_case(name, "group_norm", {"num_groups": groups, "eps": eps, "affine": affine},
                                     nn.GroupNorm(groups, shape[1], eps=eps, affine=affine), torch.randn(*shape) * 3 - 1))
    for name, v, d, pad, ishape in [
        ("embedding 1-D", 10, 4, None, (6,)),
        ("embedding 2-D padding_idx 0", 7, 3, 0, (3, 5)),
        ("embedding padding_idx -1", 6, 5, -1, (2, 2, 3)),
    ]:
        idx = torch.randint(0, v, ishape)
        idx.view(-1)[0] = v - 1 if pad == -1 else (pad if pad is not None else 3)
        idx.view(-1)[-1] = idx.view(-1)[0]
        cases.append(nn_modules_case(name, "embedding", {"num_embeddings": v, "embedding_dim": d, "padding_idx": pad},
                                     nn.Embedding(v, d, padding_idx=pad), idx.int().long(), x_requires_grad=False))
    for name, xshape, cin, cout, k, stride, padding, outpad, groups, bias, dilation in [
        ("conv_transpose2d 3x3", (2, 3, 4, 5), 3, 2, 3, 1, 0, 0, 1, True, 1),
        ("conv_transpose2d stride 2 padding 1 output_padding 1", (2, 4, 3, 4), 4, 3, 3, 2, 1, 1, 1, True, 1),
        ("conv_transpose2d 2x4 stride (2,3) padding (0,1)", (1, 2, 3, 3), 2, 4, (2, 4), (2, 3), (0, 1), 0, 1, True, 1),
        ("conv_transpose2d groups 2 no bias", (2, 4, 4, 4), 4, 6, 3, 1, 1, 0, 2, False, 1),
        ("conv_transpose2d dilation 2 stride 2", (2, 2, 4, 3), 2, 3, 3, 2, 2, 1, 1, True, 2),
        ("conv_transpose2d output_padding 1 >= stride 1, < dilation 2", (1, 2, 4, 4), 2, 2, 3, 1, 1, 1, 1, True, 2),
        ("conv_transpose2d depthwise unbatched", (3, 5, 4), 3, 3, 3, 2, 1, 0, 3, True, 1),
    ]:
        m = nn.ConvTranspose2d(cin, cout, k, stride=stride, padding=padding, output_padding=outpad, groups=groups,
                               bias=bias, dilation=dilation)
        pair = (lambda v: [v, v] if isinstance(v, int) else list(v))
        args = {"in_channels": cin, "out_channels": cout, "kernel_size": pair(k), "stride": pair(stride),
                "padding": pair(padding), "output_padding": pair(outpad), "groups": groups, "bias": bias,
                "dilation": pair(dilation)}
        cases.append(nn_modules_case(name, "conv_transpose2d", args, m, torch.randn(*xshape)))
    for name, xshape, size in [
        ("adaptive_max_pool2d 10x7 -> 3x3", (2, 3, 10, 7), (3, 3)),
        ("adaptive_max_pool2d 8x6 -> 4 (divides)", (2, 2, 8, 6), 4),
        ("adaptive_max_pool2d 5x9 -> (2, None) unbatched", (3, 5, 9), (2, None)),
        ("adaptive_max_pool2d 3x4 -> 5x6 (larger)", (1, 2, 3, 4), (5, 6)),
    ]:
        m = nn.AdaptiveMaxPool2d(size)
        c = nn_modules_case(name, "adaptive_max_pool2d", {"output_size": list(size) if isinstance(size, tuple) else [size]},
                            m, torch.randn(*xshape))
        c["indices"] = T(nn.functional.adaptive_max_pool2d(torch.tensor(c["x"]["data"]).view(*xshape), size,
                                                             return_indices=True)[1].int())
        cases.append(c)
    for name, module in [
        ("ModuleList", nn.ModuleList([nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2, bias=False)])),
        ("ModuleDict", nn.ModuleDict({"enc": nn.Linear(3, 4), "act": nn.ReLU(), "dec": nn.Conv2d(2, 3, 3)})),
        ("Unflatten", nn.Unflatten(1, (2, -1, 3))),
        ("nested", nn.ModuleDict({"blocks": nn.ModuleList([nn.Sequential(nn.Linear(2, 2), nn.Unflatten(1, (1, 2))),
                                                              nn.LayerNorm(2)]),
                                  "head": nn.Embedding(5, 2, padding_idx=1)})),
    ]:
        cases.append({"name": name, "kind": "container", "repr": str(module),
                      "keys": [[k, list(v.shape)] for k, v in module.state_dict().items()]})
    return {"cases": cases}


def autograd_extras():
    """Issue 11's autograd extras on one small graph, h = x @ w + b, y = tanh(h),
    loss = sum(y * y) + sum(x * x) (x used twice): backward with retain_graph (twice, accumulating),
    tensor hooks g -> g * scale + shift on leaves and intermediates (chained, one removed; a shift
    shows a leaf's hook sees the summed gradient once), torch.autograd.grad of chosen tensors
    (several outputs with grad_outputs, allow_unused; in 1.13 it captures a wanted tensor's gradient
    before that tensor's hooks and runs no leaf hook), and clip_grad_norm_ (p = 2, 1, 3, inf;
    clipped and not) and clip_grad_value_ on given gradients."""
    torch.manual_seed(47)
    cases = []

    def graph(x, w, b):
        h = x @ w + b
        y = torch.tanh(h)
        loss = (y * y).sum() + (x * x).sum()
        return {"x": x, "w": w, "b": b, "h": h, "y": y, "loss": loss}

    def leaves():
        return [torch.randn(3, 4).requires_grad_(True), torch.randn(4, 5).requires_grad_(True),
                torch.randn(5).requires_grad_(True)]

    def backward_case(name, hooks, removed=(), passes=1):
        x, w, b = leaves()
        t = graph(x, w, b)
        for on, scale, shift in hooks:
            t[on].register_hook(lambda g, scale=scale, shift=shift: g * scale + shift)
        for on, scale, shift in removed:
            t[on].register_hook(lambda g, scale=scale, shift=shift: g * scale + shift).remove()
        after = []
        for i in range(passes):
            t["loss"].backward(retain_graph=i + 1 < passes)
            after.append([T(v.grad) for v in (x, w, b)])
        cases.append({"name": name, "kind": "backward", "inputs": [T(v) for v in (x, w, b)],
                      "hooks": [list(h) for h in hooks], "removed": [list(h) for h in removed],
                      "passes": passes, "grads": after})

    backward_case("retain_graph: two backward passes accumulate", [], passes=2)
    backward_case("retain_graph: three backward passes", [], passes=3)
    backward_case("hook on a leaf scales its gradient", [("w", 0.5, 0.0)])
    backward_case("hook on a leaf used twice sees the summed gradient", [("x", 1.0, 0.25)])
    backward_case("hooks on intermediates reach the leaves", [("h", 2.0, 0.0), ("y", -1.0, 0.5)])
    backward_case("two hooks chained in order", [("b", 2.0, 0.0), ("b", 1.0, 1.0)])
    backward_case("a removed hook is not called", [("w", 3.0, 0.0)], removed=[("w", 0.0, 7.0), ("h", 0.0, 1.0)])
    backward_case("hooks with retain_graph", [("x", 0.5, 0.0), ("h", 1.0, 0.1)], passes=2)

    def grad_case(name, outputs, wrt, with_upstream=False, allow_unused=False, hooks=()):
        x, w, b = leaves()
        t = graph(x, w, b)
        t["z"] = torch.randn(2).requires_grad_(True)   # never used by the graph
        for on, scale, shift in hooks:
            t[on].register_hook(lambda g, scale=scale, shift=shift: g * scale + shift)
        ups = [torch.randn(t[o].shape) if with_upstream or t[o].numel() != 1 else None for o in outputs]
        gs = torch.autograd.grad([t[o] for o in outputs], [t[v] for v in wrt], grad_outputs=ups,
                                 allow_unused=allow_unused)
        assert all(v.grad is None for v in (x, w, b))
        cases.append({"name": name, "kind": "grad", "inputs": [T(v) for v in (x, w, b)], "outputs": outputs,
                      "wrt": wrt, "upstream": [None if u is None else T(u) for u in ups],
                      "allow_unused": allow_unused, "hooks": [list(h) for h in hooks],
                      "expected": [None if g is None else T(g) for g in gs]})

    grad_case("grad of the loss for the leaves", ["loss"], ["x", "w", "b"])
    grad_case("grad of the loss for an intermediate and a leaf", ["loss"], ["h", "w"])
    grad_case("grad of the loss for the output of tanh", ["loss"], ["y"])
    grad_case("grad of y with grad_outputs", ["y"], ["x", "b"], with_upstream=True)
    grad_case("grad of two outputs summed", ["y", "loss"], ["w", "h"], with_upstream=True)
    grad_case("grad with allow_unused", ["loss"], ["z", "b"], allow_unused=True)
    grad_case("grad runs the hooks on the way, not a wanted leaf's", ["loss"], ["x", "w"],
              hooks=[("h", 2.0, 0.0), ("x", 1.0, 0.5)])
    grad_case("grad of a hooked intermediate is taken before its hook", ["loss"], ["h", "w"],
              hooks=[("h", 2.0, 0.5)])

    def clip_norm_case(name, shapes, scale, max_norm, norm_type):
        grads = [torch.randn(*s) * scale for s in shapes]
        ps = [torch.zeros(*s, requires_grad=True) for s in shapes]
        for p, g in zip(ps, grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        cases.append({"name": name, "kind": "clip_norm", "grads": [T(g) for g in grads], "max_norm": max_norm,
                      "norm_type": "inf" if norm_type == float("inf") else norm_type, "total": T(total),
                      "clipped": [T(p.grad) for p in ps]})

    clip_norm_case("clip_grad_norm_ p=2 clips", [(3, 4), (5,), (2, 2, 3)], 2.0, 1.0, 2.0)
    clip_norm_case("clip_grad_norm_ p=2 below max_norm leaves them", [(3, 4), (5,)], 0.1, 10.0, 2.0)
    clip_norm_case("clip_grad_norm_ p=1 clips", [(7,), (2, 3)], 1.0, 0.5, 1.0)
    clip_norm_case("clip_grad_norm_ p=3 clips", [(4, 4), (3,)], 1.5, 2.0, 3.0)
    clip_norm_case("clip_grad_norm_ p=inf clips", [(3, 4), (6,), (2, 5)], 1.0, 0.25, float("inf"))
    clip_norm_case("clip_grad_norm_ p=inf one tensor", [(11,)], 1.0, 0.5, float("inf"))
    clip_norm_case("clip_grad_norm_ one tensor p=2", [(13,)], 3.0, 1.0, 2.0)

    def clip_value_case(name, shapes, clip):
        grads = [torch.randn(*s) * 2 for s in shapes]
        ps = [torch.zeros(*s, requires_grad=True) for s in shapes]
        for p, g in zip(ps, grads):
            p.grad = g.clone()
        torch.nn.utils.clip_grad_value_(ps, clip)
        cases.append({"name": name, "kind": "clip_value", "grads": [T(g) for g in grads], "clip_value": clip,
                      "clipped": [T(p.grad) for p in ps]})

    clip_value_case("clip_grad_value_ 0.5", [(3, 4), (5,)], 0.5)
    clip_value_case("clip_grad_value_ 3 (few clipped)", [(2, 7)], 3.0)
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


def image_decoding():
    """Image files as PIL decodes them (the decoder torchvision's ImageFolder uses): small PNG (RGB, grey,
    RGBA, palette) and JPEG (RGB 4:2:0 and 4:4:4, grey) files written with PIL into
    golden/images/<class>/ (an ImageFolder root), and each one's pixels after PIL's convert("RGB") and
    convert("L"). Needs python3-pil (Debian); the files and the pixels are committed."""
    from PIL import Image as PILImage
    rng = numpy.random.default_rng(29)
    root = os.path.join(OUT, "images")
    made = []

    def save(cls, name, img, **kw):
        os.makedirs(os.path.join(root, cls), exist_ok=True)
        path = os.path.join(root, cls, name)
        img.save(path, **kw)
        made.append((cls, name, path))

    # smooth gradients plus noise: JPEG has real work to do, PNG must come back exactly
    h, w = 13, 11
    yy, xx = numpy.mgrid[0:h, 0:w]
    base = numpy.stack([xx * 20, yy * 18, (xx + yy) * 10], axis=-1) + rng.integers(0, 40, (h, w, 3))
    rgb = numpy.clip(base, 0, 255).astype(numpy.uint8)
    save("png", "rgb.png", PILImage.fromarray(rgb, "RGB"))
    save("png", "grey.png", PILImage.fromarray(rgb[..., 0], "L"))
    alpha = rng.integers(0, 256, (h, w), dtype=numpy.uint8)
    save("png", "rgba.png", PILImage.fromarray(numpy.dstack([rgb, alpha]), "RGBA"))
    save("png", "palette.png", PILImage.fromarray(rgb, "RGB").convert("P", palette=PILImage.ADAPTIVE, colors=16))
    save("jpeg", "rgb420.jpg", PILImage.fromarray(rgb, "RGB"), quality=90)
    save("jpeg", "rgb444.jpg", PILImage.fromarray(rgb, "RGB"), quality=95, subsampling=0)
    save("jpeg", "grey.jpg", PILImage.fromarray(rgb[..., 2], "L"), quality=90)
    cases = []
    for cls, name, path in made:
        with PILImage.open(path) as im:
            as_rgb = numpy.asarray(im.convert("RGB"))
            as_grey = numpy.asarray(im.convert("L"))
        cases.append({"name": cls + "/" + name, "mode": PILImage.open(path).mode, "height": int(as_rgb.shape[0]),
                      "width": int(as_rgb.shape[1]), "rgb": as_rgb.reshape(-1).tolist(),
                      "grey": as_grey.reshape(-1).tolist()})
    return {"cases": cases}


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
    write("cnn_state.json", cnn_state_dict())
    write("indexing.json", indexing())
    write("index_ops.json", index_ops())
    write("types.json", types())
    write("join.json", joining())
    write("activation_math.json", activation_math())
    write("image_transforms.json", image_transforms())
    write("optimizers_rmsprop_adagrad.json", rmsprop_adagrad())
    write("schedulers.json", schedulers())
    write("reductions.json", reductions())
    write("nn_modules.json", nn_modules())
    write("autograd.json", autograd_extras())
    write("cnn.json", cnn_training())
    write("image_decoding.json", image_decoding())
