#!/usr/bin/python3
"""Markdown table of per-head validation metrics from several `faceattr train` runs (their report.json).

    /usr/bin/python3 tools/FaceAttr.Training/bench/compare_runs.py /tmp/fa-cmp/prelu-sgd /tmp/fa-cmp/relu-sgd ...
Each argument is a run's --out folder (or its report.json). Columns: run, activation, optimizer, lr, epochs, task
balancing, class weights, teacher-filled labels, then gender/celeba, gender/utkface, smile, age/utkface MAE, eyeglasses,
celeba_mean, expression (value and n), train seconds.
"""
import json
import os
import sys

HEADS = ["gender/celeba", "gender/utkface", "smile", "age/utkface", "eyeglasses", "celeba_mean", "expression/expressions"]


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "report.json")
    with open(path, encoding="utf-8") as f:
        return path, json.load(f)


def cell(metric):
    if metric is None:
        return "–"
    v, n = metric["Value"], metric["N"]
    return f"{v:.2f} y (n={n})" if metric["Kind"] == "mae" else f"{v * 100:.2f}% (n={n})"


def main():
    print("| run | activation | optimizer | lr | epochs | balance | class weights | teacher | " + " | ".join(HEADS) + " | s |")
    print("|---|---|---|---:|---:|---|---|---|" + "---:|" * len(HEADS) + "---:|")
    for arg in sys.argv[1:]:
        path, r = load(arg)
        c = r["config"]
        # A run folder's report.json is named by its folder; a copied report (results/bal-fixed.json) by its file.
        stem = os.path.splitext(os.path.basename(path))[0]
        name = os.path.basename(os.path.dirname(os.path.abspath(path))) if stem == "report" else stem
        cells = [cell(r["validation"].get(h)) for h in HEADS]
        filled = sum(sum(d.get("TeacherFilled", {}).values()) for d in r["data"]["datasets"])
        print(f"| {name} | {c['Network']['Activation']} | {c['Optimizer']} | {c['LearningRate']} | {c['Epochs']} | "
              f"{c.get('Balance', '?')} | {c.get('ClassWeights', '?')} | {filled or 'no'} | "
              + " | ".join(cells) + f" | {r['seconds']:.0f} |")


if __name__ == "__main__":
    main()
