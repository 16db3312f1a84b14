"""Runs reference implementations of task weightings on fixed inputs and prints their outputs.

Usage: python3 reference_weightings.py INPUTS.json LIBMTL_ROOT GROUP_DRO_ROOT > OUTPUTS.json

LIBMTL_ROOT is a checkout of github.com/median-research-group/LibMTL (the folder that holds the
LibMTL package) and GROUP_DRO_ROOT one of github.com/kohpangwei/group_DRO (the folder that holds
loss.py). Neither is part of this project: fetch them yourself (bench/references/README.md).
The reference classes are imported and driven as they are; only their environment is stubbed
(the package __init__, which imports LibMTL's trainer, and CUDA, which group_DRO requires).
"""
import importlib.util
import json
import random
import sys
import types

import torch

torch.set_default_dtype(torch.float64)


def t(values):
    """A float64 tensor (JSON integers would otherwise become an integer tensor)."""
    return torch.tensor(values, dtype=torch.float64)


def load_libmtl(root):
    """Imports LibMTL.weighting.{UW, DWA, GradNorm, PCGrad} without LibMTL/__init__.py."""
    for name, path in [("LibMTL", f"{root}/LibMTL"), ("LibMTL.weighting", f"{root}/LibMTL/weighting")]:
        pkg = types.ModuleType(name)
        pkg.__path__ = [path]
        sys.modules[name] = pkg
    out = {}
    for cls in ["abstract_weighting", "UW", "DWA", "GradNorm", "PCGrad"]:
        spec = importlib.util.spec_from_file_location(f"LibMTL.weighting.{cls}", f"{root}/LibMTL/weighting/{cls}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        out[cls] = module
    return out


def load_group_dro(root):
    """Imports group_DRO's loss.py with .cuda() as the identity (the reference runs on CPU here)."""
    torch.Tensor.cuda = lambda self, *args, **kwargs: self
    spec = importlib.util.spec_from_file_location("group_dro_loss", f"{root}/loss.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LinearTasks(torch.nn.Module):
    """Shared parameters θ (at 0) and task losses L_i = c_i + g_i·θ: the value is c_i and the gradient g_i."""

    def __init__(self, dim):
        super().__init__()
        self.theta = torch.nn.Parameter(torch.zeros(dim))

    def losses(self, values, grads):
        return torch.stack([t(v) + torch.dot(t(g), self.theta) for v, g in zip(values, grads)])


def attach(weighting, model, task_num, **extra):
    """Gives a LibMTL weighting what its trainer would: task count, device, shared parameters."""
    weighting.task_num = task_num
    weighting.device = torch.device("cpu")
    weighting.rep_grad = False
    weighting.get_share_params = lambda: model.parameters()
    weighting.zero_grad_share_params = lambda: model.zero_grad(set_to_none=False)
    for k, v in extra.items():
        setattr(weighting, k, v)
    return weighting


def uw(libmtl, case):
    """LibMTL's UW: the objective, its gradient in s = log σ², and the weights 1/(2e^s)."""
    w = attach(libmtl["UW"].UW(), LinearTasks(1), len(case["s"]))
    w.loss_scale = torch.nn.Parameter(t(case["s"]))
    losses = t(case["losses"])
    weights = w.backward(losses)
    objective = (losses / (2 * w.loss_scale.exp()) + w.loss_scale / 2).sum().item()
    return {"objective": objective, "gradS": w.loss_scale.grad.tolist(), "weights": weights.tolist()}


def dwa(libmtl, case):
    """LibMTL's DWA over epochs: its trainer stores each epoch's mean loss per task in train_loss_buffer."""
    T = case["tasks"]
    per_epoch = case["stepsPerEpoch"]
    steps = case["losses"]
    epochs = len(steps) // per_epoch
    buffer = torch.zeros(T, epochs).numpy()
    w = attach(libmtl["DWA"].DWA(), LinearTasks(1), T, train_loss_buffer=buffer)
    used = []
    for e in range(epochs):
        w.epoch = e
        for s in range(per_epoch):
            values = steps[e * per_epoch + s]
            losses = t(values).requires_grad_()
            used.append(w.backward(losses, T=case["temperature"]).tolist())
        buffer[:, e] = t(steps[e * per_epoch:(e + 1) * per_epoch]).mean(0).numpy()
    return {"weights": used}


def gradnorm(libmtl, case):
    """LibMTL's GradNorm: loss_scale (w = T·softmax) stepped by Adam, as its trainer's optimizer does.

    L_i(0) is given (LibMTL takes the first epoch's mean loss; we pass our first step's losses), and
    GradNorm acts from the first step (LibMTL trains epoch 0 with equal weights)."""
    T = case["tasks"]
    model = LinearTasks(len(case["grads"][0][0]))
    buffer = t(case["initialLosses"]).reshape(T, 1).numpy()
    w = attach(libmtl["GradNorm"].GradNorm(), model, T, train_loss_buffer=buffer, epoch=1)
    w.init_param()
    opt = torch.optim.Adam([w.loss_scale], lr=case["learningRate"])
    used, updates = [], []
    for values, grads in zip(case["losses"], case["grads"]):
        opt.zero_grad()
        model.zero_grad(set_to_none=False)
        used.append(w.backward(model.losses(values, grads), alpha=case["alpha"]).tolist())
        updates.append(model.theta.grad.tolist())
        opt.step()
    return {"weights": used, "updates": updates}


def pcgrad(libmtl, case):
    """LibMTL's PCGrad with its random.shuffle replaced by the orders our seeded generator drew."""
    grads = case["grads"]
    T = len(grads)
    model = LinearTasks(len(grads[0]))
    w = attach(libmtl["PCGrad"].PCGrad(), model, T)
    orders = [list(o) for o in case["orders"]]
    module = libmtl["PCGrad"]

    def replay(lst):
        lst[:] = orders.pop(0)

    saved = module.random.shuffle
    module.random.shuffle = replay
    try:
        w.backward(model.losses([0.0] * T, grads))
    finally:
        module.random.shuffle = saved
    return {"update": model.theta.grad.tolist()}


def group_dro(loss_module, case):
    """group_DRO's LossComputer: per-step group losses (absent groups: none in the batch), q after each step."""
    T = case["tasks"]

    class Groups:
        n_groups = T
        group_str = staticmethod(lambda g: f"group {g}")

        @staticmethod
        def group_counts():
            return torch.ones(T)

    # group_DRO is written for float32 tensors (its group map is .float()), so it runs in float32 here.
    torch.set_default_dtype(torch.float32)
    # The per-example loss is the first column of yhat, so a batch of one example per sampled group
    # gives that group exactly the loss we choose.
    computer = loss_module.LossComputer(lambda yhat, y: yhat[:, 0], is_robust=True, dataset=Groups(), alpha=0.2, step_size=case["eta"])
    qs = []
    for tasks, values in zip(case["tasks_per_step"], case["losses"]):
        yhat = t([[v, 0.0] for v in values]).float()
        computer.loss(yhat, torch.zeros(len(values), dtype=torch.long), torch.tensor(tasks), is_training=True)
        qs.append(computer.adv_probs.tolist())
    torch.set_default_dtype(torch.float64)
    return {"q": qs}


def main():
    inputs = json.load(open(sys.argv[1]))
    libmtl = load_libmtl(sys.argv[2])
    loss_module = load_group_dro(sys.argv[3])
    random.seed(0)
    out = {
        "uncertainty": [uw(libmtl, c) for c in inputs["uncertainty"]],
        "dwa": [dwa(libmtl, c) for c in inputs["dwa"]],
        "gradnorm": [gradnorm(libmtl, c) for c in inputs["gradnorm"]],
        "pcgrad": [pcgrad(libmtl, c) for c in inputs["pcgrad"]],
        "groupDro": [group_dro(loss_module, c) for c in inputs["groupDro"]],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
