"""PyTorch twins of the kit's models, timed the same way as the TypeScript benchmark.

Reads JSON requests on stdin, one per line, and answers each with one JSON line on stdout, so the
benchmark can interleave PyTorch and tfjs blocks in rounds on a shared machine:
  {"threads": 1}                                   first line: settings; answers {"torch": version}
  {"op": "step", "model": {"name": ..., "kind": "mmoe"|"shared-bottom"|"ranker"|"recommender",
   ...sizes}, "batch": 256, "reps": 20}            milliseconds per training step (forward +
                                                   backward + Adam) over one timed block of reps
  {"op": "peak"}                                   GFLOP/s of a 1024x1024 matmul
Each model and batch is built (and warmed up) once, on its first request. Answers {"error": ...}
(and keeps serving) when torch is absent or a request fails, so the caller can note it and go on.
"""
import json
import sys
import time


def main():
    settings = json.loads(sys.stdin.readline() or "{}")
    try:
        import torch
        from torch import nn
    except Exception as e:  # the benchmark notes the absence instead of failing
        reply({"error": "PyTorch is not available: %s" % e})
        return
    torch.manual_seed(0)
    torch.set_num_threads(int(settings.get("threads", 1)))
    reply({"torch": torch.__version__, "threads": torch.get_num_threads()})

    def mlp(sizes, last_act=False):
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2 or last_act:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    class MMoE(nn.Module):
        def __init__(self, d, experts, units, towers, tasks, one_gate=False):
            super().__init__()
            self.experts = nn.ModuleList([mlp([d, units], last_act=True) for _ in range(experts)])
            self.gates = nn.ModuleList([nn.Linear(d, experts) for _ in range(1 if one_gate else tasks)])
            self.towers = nn.ModuleList([mlp([units, towers, 1]) for _ in range(tasks)])
            self.tasks = tasks

        def forward(self, x):
            e = torch.stack([f(x) for f in self.experts], dim=1)  # [B, E, U]
            outs = []
            for k in range(self.tasks):
                g = torch.softmax(self.gates[min(k, len(self.gates) - 1)](x), dim=-1)  # [B, E]
                outs.append(self.towers[k]((g.unsqueeze(-1) * e).sum(1)))
            return outs

    class SharedBottom(nn.Module):
        def __init__(self, d, bottom, towers, tasks):
            super().__init__()
            self.bottom = mlp([d, bottom], last_act=True)
            self.towers = nn.ModuleList([mlp([bottom, towers, 1]) for _ in range(tasks)])

        def forward(self, x):
            h = self.bottom(x)
            return [t(h) for t in self.towers]

    class Recommender(nn.Module):
        """User/item embeddings, a factorization head u.q + b_i (BPR) and a rating MLP over [u, q, u*q]: lib/recommender/model.ts."""

        def __init__(self, users, items, dim, hidden):
            super().__init__()
            self.u = nn.Embedding(users, dim)
            self.q = nn.Embedding(items, dim)
            self.b = nn.Embedding(items, 1)
            self.rating = mlp([3 * dim, hidden, 1])

        def forward(self, user, item, neg):
            u, q, qn = self.u(user), self.q(item), self.q(neg)
            pos = (u * q).sum(-1) + self.b(item).squeeze(-1)
            negs = (u * qn).sum(-1) + self.b(neg).squeeze(-1)
            r = self.rating(torch.cat([u, q, u * q], -1)).squeeze(-1)
            return pos, negs, r

    class Ranker(nn.Module):
        """Video-id embeddings + dense features -> shared layer -> MMoE -> task heads, plus a position tower."""

        def __init__(self, videos, dim, dense, hidden, experts, units, tasks, positions):
            super().__init__()
            self.v = nn.Embedding(videos, dim)
            self.shared = mlp([2 * dim + dense, hidden], last_act=True)
            self.mmoe = MMoE(hidden, experts, units, units, tasks)
            self.position = nn.Embedding(positions, 1)

        def forward(self, query, cand, feats, pos):
            h = self.shared(torch.cat([self.v(query), self.v(cand), feats], -1))
            outs = self.mmoe(h)
            outs[0] = outs[0] + self.position(pos)
            return outs

    def step_fn(spec, batch):
        kind = spec["kind"]
        if kind in ("mmoe", "omoe"):
            model = MMoE(spec["inputDim"], spec["experts"], spec["expertUnits"], spec["towerUnits"], spec["tasks"], kind == "omoe")
            x = torch.randn(batch, spec["inputDim"])
            ys = [torch.randn(batch, 1) for _ in range(spec["tasks"])]
            loss = lambda: sum(((o - y) ** 2).mean() for o, y in zip(model(x), ys))
        elif kind == "shared-bottom":
            model = SharedBottom(spec["inputDim"], spec["bottomUnits"], spec["towerUnits"], spec["tasks"])
            x = torch.randn(batch, spec["inputDim"])
            ys = [torch.randn(batch, 1) for _ in range(spec["tasks"])]
            loss = lambda: sum(((o - y) ** 2).mean() for o, y in zip(model(x), ys))
        elif kind == "recommender":
            model = Recommender(spec["users"], spec["items"], spec["dim"], spec["hidden"])
            user = torch.randint(0, spec["users"], (batch,))
            item = torch.randint(0, spec["items"], (batch,))
            neg = torch.randint(0, spec["items"], (batch,))
            rating = torch.rand(batch) * 4 + 1

            def loss():
                pos, negs, r = model(user, item, neg)
                bpr = -torch.nn.functional.logsigmoid(pos - negs).mean()
                return 0.5 * bpr + 0.5 * ((r - rating) ** 2).mean()
        elif kind == "ranker":
            model = Ranker(spec["videos"], spec["dim"], spec["dense"], spec["hidden"], spec["experts"], spec["expertUnits"], spec["tasks"], spec["positions"])
            q = torch.randint(0, spec["videos"], (batch,))
            c = torch.randint(0, spec["videos"], (batch,))
            feats = torch.randn(batch, spec["dense"])
            pos = torch.randint(0, spec["positions"], (batch,))
            ys = [torch.rand(batch, 1) for _ in range(spec["tasks"])]

            def loss():
                outs = model(q, c, feats, pos)
                return sum(((o - y) ** 2).mean() for o, y in zip(outs, ys))
        else:
            raise ValueError("unknown model kind %s" % kind)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad()
            l = loss()
            l.backward()
            opt.step()

        return step

    def time_block(step, reps):
        t = time.perf_counter()
        for _ in range(reps):
            step()
        return (time.perf_counter() - t) / reps * 1000

    steps = {}
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if req.get("op") == "peak":
                n = 1024
                a, b = torch.randn(n, n), torch.randn(n, n)
                time_block(lambda: a @ b, 3)
                ms = time_block(lambda: a @ b, 10)
                reply({"peak_gflops": round(2 * n ** 3 / (ms / 1000) / 1e9, 2)})
                continue
            key = (req["model"]["name"], req["batch"])
            if key not in steps:
                steps[key] = step_fn(req["model"], req["batch"])
                time_block(steps[key], int(req.get("warmup", 5)))
            reply({"ms": round(time_block(steps[key], int(req.get("reps", 20))), 4)})
        except Exception as e:
            reply({"error": "%s: %s" % (type(e).__name__, e)})


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
