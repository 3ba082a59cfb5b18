#!/usr/bin/env python3
"""Leave one project out: scores the classifier on each project of the dataset with a model
trained on the other projects, and pools the verdicts (the closest estimate of how it does on a
project it never saw).

Usage: scripts/classifier-cross-project.py [--agent target/debug/agent] [--data data/classifier]
           [--work DIR]

Needs the `agent` binary; writes its files under --work (a temporary directory by default).
"""

import argparse
import json
import os
import subprocess
import tempfile

CLASSES = ["simple", "medium", "complex"]


def scores(pairs):
    confusion = [[0] * 3 for _ in range(3)]
    for truth, predicted in pairs:
        confusion[CLASSES.index(truth)][CLASSES.index(predicted)] += 1
    n = sum(map(sum, confusion))
    f1 = []
    for c in range(3):
        actual, predicted = sum(confusion[c]), sum(row[c] for row in confusion)
        f1.append(2 * confusion[c][c] / (actual + predicted) if actual + predicted else 0.0)
    return sum(confusion[c][c] for c in range(3)) / n, sum(f1) / 3, f1, confusion


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", default="target/debug/agent")
    parser.add_argument("--data", default="data/classifier")
    parser.add_argument("--work")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="classifier-cross-project-")
    env = dict(os.environ, AGENT_HOME=os.path.join(work, "home"))
    rows = [json.loads(line) for name in ("train.jsonl", "test.jsonl")
            for line in open(os.path.join(args.data, name))]
    project = lambda row: row["source"].split("@")[0]
    pooled = []
    for held_out in sorted({project(r) for r in rows}):
        train, test = os.path.join(work, "train.jsonl"), os.path.join(work, "test.jsonl")
        verdicts, model = os.path.join(work, "verdicts.jsonl"), os.path.join(work, "model.json")
        with open(train, "w") as f_train, open(test, "w") as f_test:
            for r in rows:
                line = json.dumps({"text": r["text"], "label": r["label"]}) + "\n"
                (f_test if project(r) == held_out else f_train).write(line)
        subprocess.run([args.agent, "classify", "train", "--data", train, "--folds", "0",
                        "--output", model], check=True, capture_output=True, env=env)
        subprocess.run([args.agent, "classify", "eval", test, "--classifier", model,
                        "--predictions", verdicts], check=True, capture_output=True, env=env)
        pairs = [(v["label"], v["predicted"]) for v in map(json.loads, open(verdicts))]
        accuracy, macro_f1, _, _ = scores(pairs)
        print(f"{held_out:28s} {len(pairs):6d}  accuracy {accuracy:.3f}  macro-F1 {macro_f1:.3f}",
              flush=True)
        pooled.extend(pairs)
    accuracy, macro_f1, f1, confusion = scores(pooled)
    print(f"{'pooled':28s} {len(pooled):6d}  accuracy {accuracy:.3f}  macro-F1 {macro_f1:.3f}  "
          f"F1 {' / '.join(f'{x:.3f}' for x in f1)}  confusion {confusion}")


if __name__ == "__main__":
    main()
