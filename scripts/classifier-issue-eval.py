#!/usr/bin/env python3
"""Turns issue → patch instances (SWE-bench's or Multi-SWE-bench's format) into a labelled JSONL
for `agent classify eval`: the issue's text, and the effort read from the fixing patch with the
same mapping as the shipped dataset (data/classifier/SOURCES.md: source files only; simple = one
file and at most 6 changed lines, complex = 4 or more files or more than 120 lines).

Usage: scripts/classifier-issue-eval.py FILE... [--out issues.jsonl] [--skip-repo OWNER/NAME]...

FILE is a JSON array or JSONL of instances with `problem_statement` and `patch` (SWE-bench) or
`resolved_issues` ([{title, body}]) and `fix_patch` (Multi-SWE-bench). Rows marked
`"provenance": "synthetic"` (written by a model, not a person) are left out, as are exact
duplicate texts. Each output line is {"text", "label", "repo", "files", "lines"}.

Such instances are an issue report and its fix, which commit messages are not: the closest
stand-in we have for the issue texts `agent task run` is given. Do not build one from SWE-bench
Verified if you mean to test on it.
"""

import argparse
import ast
import collections
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("dataset", os.path.join(HERE, "classifier-dataset.py"))
dataset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dataset)


def rows(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as error:
        sys.exit(f"{path}: cannot be read ({error})")
    if text.lstrip().startswith("["):
        yield from json.loads(text)
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                sys.exit(f"{path}:{number}: not JSON ({error})")


def issue_text(row):
    if row.get("problem_statement"):
        return row["problem_statement"]
    issues = row.get("resolved_issues") or []
    if isinstance(issues, str):
        # Some copies hold the list as Python's repr, not JSON.
        try:
            issues = ast.literal_eval(issues)
        except (ValueError, SyntaxError):
            return ""
    return "\n\n".join(f"{i.get('title', '')}\n{i.get('body') or ''}".strip() for i in issues)


def patch_size(patch):
    """(source files, changed lines of source files) of a unified diff."""
    changed = collections.Counter()
    current = None
    for line in patch.splitlines():
        if line.startswith("diff --git "):
            current = line.rsplit(" b/", 1)[-1]
            changed[current] += 0
        elif current and line[:1] in "+-" and not line.startswith(("+++", "---")):
            changed[current] += 1
    source = {path: n for path, n in changed.items() if dataset.is_source(path)}
    return len(source), sum(source.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--out", default="issues.jsonl")
    parser.add_argument("--skip-repo", action="append", default=[])
    args = parser.parse_args()
    seen, labels, repos = set(), collections.Counter(), collections.Counter()
    with open(args.out, "w", encoding="utf-8") as out:
        for path in args.files:
            for row in rows(path):
                repo = row.get("repo", "")
                if row.get("org") and "/" not in repo:
                    repo = f"{row['org']}/{repo}"
                if row.get("provenance") == "synthetic" or repo in args.skip_repo:
                    continue
                text = issue_text(row).replace("\r\n", "\n").strip()
                patch = row.get("patch") or row.get("fix_patch") or ""
                files, lines = patch_size(patch)
                if not text or files == 0 or (repo, text) in seen:
                    continue
                seen.add((repo, text))
                label = dataset.label(files, lines)
                labels[label] += 1
                repos[repo] += 1
                out.write(json.dumps({"text": text, "label": label, "repo": repo,
                                      "files": files, "lines": lines}) + "\n")
    total = sum(labels.values())
    print(f"{total} issues from {len(repos)} repositories: " +
          ", ".join(f"{labels[c]} {c}" for c in ("simple", "medium", "complex")), file=sys.stderr)


if __name__ == "__main__":
    main()
