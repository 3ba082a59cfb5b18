#!/usr/bin/env python3
"""Rebuilds the classifier's starting dataset (data/classifier/{train,test}.jsonl).

Every example is one change that landed on a public repository's main line: the text is the
pull request's title and description (or, for squash-merged and direct commits, the commit
message), the label is the effort the patch took, read from its diff:

    simple   one source file and at most 6 changed source lines
    complex  4 or more source files, or more than 120 changed source lines
    medium   everything between

"Source" leaves out tests, documentation, changelogs, lock files, CI configuration, vendored
and generated files (see is_source). Changes that touch no source file, bot commits,
release/version commits, reverts and merges of branches (not of pull requests) are skipped.

Usage: scripts/classifier-dataset.py MIRROR_DIR... [--out data/classifier] [--test-share 0.2]
where each MIRROR_DIR is a bare git repository (e.g. from `git clone --mirror`) named in
data/classifier/SOURCES.md. The split is by a hash of the repository and commit, so a rebuild
from the same commits gives the same files.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

SEP = "\x1e"
MAX_TEXT = 2000
MAX_PER_REPO = 1400

SKIP_SUBJECT = re.compile(
    r"^(merge branch|merge remote|merge tag|revert|release|bump|prepare|chore\(release\)|"
    r"chore\(deps|build\(deps|update rust stable|v?\d+\.\d+(\.\d+)?\b|[\w-]+[- ]v?\d+\.\d+\.\d+$|"
    r"version \d|update (changelog|changes)|changelog|rustfmt|cargo fmt|run (black|gofmt|prettier))",
    re.I,
)
BOTS = re.compile(r"(dependabot|renovate|github-actions|pre-commit-ci|\[bot\])", re.I)
TRAILER = re.compile(
    r"^(signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|cc|fixes|closes|close|resolves|"
    r"pr-url|pr-close|reviewed-on|change-id|see also):.*$",
    re.I | re.M,
)
PR_NUMBER = re.compile(r"\s*\((?:#|gh-)\d+\)")
MERGE_PR = re.compile(r"^Merge pull request #\d+ from \S+\s*$")
# bors and homu: "Auto merge of #123 - user:branch, r=reviewer", then the PR's title and text.
BORS_MERGE = re.compile(r"^auto merge of #\d+\b", re.I)
# GitHub's merge queue: a merge commit titled like a squash merge, "Title (#123)".
QUEUE_MERGE = re.compile(r"\(#\d+\)\s*$")
# Pull-request template noise: headings, HTML comments, checklists, reviewer requests.
TEMPLATE_LINE = re.compile(r"^\s*(#{1,6}\s.*|[-*] \[[ xX]\].*|r\? @\S+|r=\S+)\s*$", re.M)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def is_source(path):
    p = path.lower()
    name = p.rsplit("/", 1)[-1]
    if any(part in p for part in ("test", "spec/", "fixture", "snapshot", "bench", "example", "vendor/", "third_party/")):
        return False
    if p.startswith((".github/", "doc/", "docs/", "ci/", ".circleci/", "artwork/", "assets/", "scripts/")):
        return False
    if name.endswith((".md", ".rst", ".txt", ".lock", ".svg", ".png", ".json", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".html", ".css")):
        return False
    if name in ("license", "license-mit", "license-apache", "authors", "changes", "history", "makefile", "tox.ini", "setup.cfg", "go.sum", "go.mod", "package.json"):
        return False
    return True


def clean(text):
    text = text.split("\n---\nupdated-dependencies", 1)[0]
    text = TRAILER.sub("", text)
    text = HTML_COMMENT.sub("", text)
    text = TEMPLATE_LINE.sub("", text)
    text = PR_NUMBER.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:MAX_TEXT]


def label(files, lines):
    if files == 1 and lines <= 6:
        return "simple"
    if files >= 4 or lines > 120:
        return "complex"
    return "medium"


def commits(repo):
    fmt = SEP + "%H%x1f%P%x1f%an%x1f%B%x1f"
    out = subprocess.run(
        ["git", "--git-dir", repo, "log", "--first-parent", "--diff-merges=first-parent",
         "--numstat", "--format=" + fmt, "HEAD"],
        check=True, capture_output=True, text=True, errors="replace",
    ).stdout
    for record in out.split(SEP)[1:]:
        sha, parents, author, message, numstat = record.split("\x1f", 4)
        yield sha, parents.split(), author, message.strip(), numstat


def examples(repo, name):
    for sha, parents, author, message, numstat in commits(repo):
        if len(parents) == 0 or BOTS.search(author) or BOTS.search(message[:200]):
            continue
        lines = message.splitlines()
        if len(parents) > 1:
            if lines and (MERGE_PR.match(lines[0]) or BORS_MERGE.match(lines[0])):
                message = "\n".join(lines[1:]).strip()
            elif not (lines and QUEUE_MERGE.search(lines[0])):
                continue
        subject = message.splitlines()[0] if message else ""
        if not subject or SKIP_SUBJECT.match(subject) or len(message.split()) < 3:
            continue
        files = changed = 0
        for row in numstat.strip().splitlines():
            parts = row.split("\t")
            if len(parts) != 3 or not is_source(parts[2]):
                continue
            files += 1
            if parts[0] != "-":
                changed += int(parts[0]) + int(parts[1])
        if files == 0:
            continue
        text = clean(message)
        if len(text.split()) < 3:
            continue
        yield {"text": text, "label": label(files, changed), "source": f"{name}@{sha[:12]}",
               "files": files, "lines": changed}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirrors", nargs="+")
    parser.add_argument("--out", default="data/classifier")
    parser.add_argument("--test-share", type=float, default=0.2)
    args = parser.parse_args()
    train, test = [], []
    for repo in args.mirrors:
        name = os.path.basename(os.path.dirname(repo.rstrip("/"))) if repo.rstrip("/").endswith("/repo") else os.path.basename(repo.rstrip("/"))
        name = name.replace("+", "/")
        seen = set()
        rows = []
        for ex in examples(repo, name):
            key = ex["text"].lower()
            if key in seen:
                continue
            seen.add(key)
            rows.append(ex)
        rows = rows[:MAX_PER_REPO]
        counts = {c: sum(1 for r in rows if r["label"] == c) for c in ("simple", "medium", "complex")}
        print(f"{name}: {len(rows)} {counts}", file=sys.stderr)
        for ex in rows:
            bucket = int(hashlib.sha256(ex["source"].encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            (test if bucket < args.test_share else train).append(ex)
    os.makedirs(args.out, exist_ok=True)
    for file, rows in (("train.jsonl", train), ("test.jsonl", test)):
        with open(os.path.join(args.out, file), "w") as f:
            for ex in rows:
                f.write(json.dumps(ex, ensure_ascii=False) + "\n")
        counts = {c: sum(1 for r in rows if r["label"] == c) for c in ("simple", "medium", "complex")}
        print(f"{file}: {len(rows)} {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
