#!/usr/bin/python3
"""PyTorch twin of FaceAttrNet (tools/FaceAttr.Training/Network/FaceAttrNet.cs): times one training step.

Same layers, channels, PReLU/ReLU, heads and 64x64 input as the C# network (default NetworkOptions), the same step as
StepTimeBench/Program.cs: forward, summed multi-head loss (cross-entropy per softmax head incl. the 3 age stages,
BCE-with-logits on the 11 binary attributes), backward, clip_grad_norm_(5), SGD (lr 0.02, momentum 0.9 Nesterov,
weight decay 5e-4) or Adam (lr 0.002, weight decay 5e-4) step. Random input and labels; timing excludes batch creation.

Run with Debian's PyTorch (apt-get install python3-torch) and the system interpreter:
    /usr/bin/python3 tools/FaceAttr.Training/bench/step_time.py --batch 64 --threads 2 --warmup 5 --steps 30
Prints parameters, then "pytorch median_ms=... mean_ms=... min_ms=... cpu_ms=..." per step (wall clock; cpu_ms is
process CPU time per step, all threads, which a busy machine disturbs less than wall clock).
"""
import argparse
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F

BINARY = 11  # HeadSet.DefaultBinary: the 12 CelebA binary heads minus eyeglasses


def activation(kind, channels):
    return nn.PReLU(channels, init=0.25) if kind == "prelu" else nn.ReLU()


class ConvBnAct(nn.Module):
    def __init__(self, cin, cout, stride, kind):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = activation(kind, cout)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class FaceAttrNet(nn.Module):
    def __init__(self, widths=(32, 48, 96, 192), feature=192, dropout=0.2, kind="prelu"):
        super().__init__()
        self.stem = ConvBnAct(3, widths[0], 2, kind)
        blocks = []
        for i in range(1, len(widths)):
            blocks.append(ConvBnAct(widths[i - 1], widths[i], 1, kind))
            blocks.append(ConvBnAct(widths[i], widths[i], 1, kind))
        self.blocks = nn.ModuleList(blocks)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[-1], feature)
        self.fc_act = activation(kind, feature)
        self.dropout = nn.Dropout(dropout)
        self.head_gender = nn.Linear(feature, 2)
        self.head_age1 = nn.Linear(feature, 3)
        self.head_age2 = nn.Linear(feature, 3)
        self.head_age3 = nn.Linear(feature, 3)
        self.head_expression = nn.Linear(feature, 7)
        self.head_expression_coarse = nn.Linear(feature, 3)
        self.head_eyewear = nn.Linear(feature, 3)
        self.head_attributes = nn.Linear(feature, BINARY)

    def forward(self, x):
        x = self.stem(x)
        for i in range(0, len(self.blocks), 2):
            x = self.pool(self.blocks[i + 1](self.blocks[i](x)))
        x = self.gap(x).flatten(1)
        f = self.dropout(self.fc_act(self.fc(x)))
        return (self.head_gender(f), [self.head_age1(f), self.head_age2(f), self.head_age3(f)],
                self.head_expression(f), self.head_expression_coarse(f), self.head_eyewear(f), self.head_attributes(f))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--activation", choices=["prelu", "relu"], default="prelu")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--widths", default="32,48,96,192", help="stem then one per stage (the C# default NetworkOptions)")
    p.add_argument("--feature", type=int, default=192)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    net = FaceAttrNet(widths=tuple(int(w) for w in a.widths.split(",")), feature=a.feature, kind=a.activation)
    net.train()
    params = sum(t.numel() for t in net.parameters())
    if a.optimizer == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9, weight_decay=5e-4, nesterov=True)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=0.002, weight_decay=5e-4)

    n = a.batch
    x = torch.rand(n, 3, 64, 64) * 2 - 1
    y2 = torch.randint(0, 2, (n,))
    y3 = [torch.randint(0, 3, (n,)) for _ in range(5)]
    y7 = torch.randint(0, 7, (n,))
    yb = torch.randint(0, 2, (n, BINARY)).float()

    def step():
        g, ages, ex, exc, eye, binary = net(x)
        loss = (F.cross_entropy(g, y2) + sum(F.cross_entropy(s, y3[i]) for i, s in enumerate(ages))
                + F.cross_entropy(ex, y7) + F.cross_entropy(exc, y3[3]) + F.cross_entropy(eye, y3[4])
                + F.binary_cross_entropy_with_logits(binary, yb))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    cpu0 = time.process_time()
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu0) * 1000 / a.steps
    print(f"pytorch {torch.__version__} threads={torch.get_num_threads()} batch={n} activation={a.activation} "
          f"optimizer={a.optimizer} parameters={params}")
    print(f"pytorch median_ms={statistics.median(times):.2f} mean_ms={statistics.mean(times):.2f} "
          f"min_ms={min(times):.2f} cpu_ms={cpu_ms:.2f} steps={len(times)}")


if __name__ == "__main__":
    main()
