#!/usr/bin/env python3
"""Conformance: run `iamlog simulate` on the upstream iam-simulate test cases and compare.

The cases (shared/conformance/iam-simulate-cases.json, 649 cases converted from
cloud-copilot/iam-simulate's tests) are AGPL: they are read from ../shared at run time and
never copied into this repository (the Strict subset goes to a temporary file only).

Only cases with mode "Strict" are compared: "Discovery" is a non-standard oracle extension
(unknown condition keys treated as satisfiable) that iamlog does not implement; they are counted
as skipped. A case whose expected.decision is null expects the tool to reject it (an error).

    python3 scripts/conformance.py [--iamlog PATH] [--cases FILE] [--min-percent 99]
                                   [--known scripts/known-divergences.json] [--fail-on-unknown]
                                   [--json]

Exit status: 0 ok; 1 below --min-percent, or an unknown disagreement with --fail-on-unknown;
2 when the tool cannot be run or its output does not line up with the cases.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_known, match_known, natural_key, outcome, run_simulate  # noqa: E402
from oracle_env import DEFAULT_CASES, REPO_ROOT  # noqa: E402


def load_cases(path):
    with open(path) as f:
        data = json.load(f)
    cases = data["cases"] if isinstance(data, dict) else data
    if not isinstance(cases, list):
        raise SystemExit(f"{path}: expected a JSON array of cases or {{\"cases\": [...]}}")
    return cases


def main():
    ap = argparse.ArgumentParser(description="Compare `iamlog simulate` with the upstream "
                                 "iam-simulate test expectations (Strict cases).")
    ap.add_argument("--iamlog", default=os.path.join(REPO_ROOT, "target", "release", "iamlog"),
                    help="iamlog binary, or scripts/oracle-as-iamlog.sh to self-test "
                         "(default: target/release/iamlog)")
    ap.add_argument("--cases", default=DEFAULT_CASES,
                    help="case file (default: ../shared/conformance/iam-simulate-cases.json)")
    ap.add_argument("--min-percent", type=float, default=None,
                    help="exit 1 when the agreement is below this percentage")
    ap.add_argument("--known", help="known divergences (JSON, see scripts/common.py)")
    ap.add_argument("--fail-on-unknown", action="store_true",
                    help="exit 1 if any disagreement is not on the --known list")
    ap.add_argument("--json", action="store_true", help="print a machine-readable summary only")
    args = ap.parse_args()

    all_cases = load_cases(args.cases)
    strict = [c for c in all_cases if c.get("mode", "Strict") == "Strict"]
    skipped = len(all_cases) - len(strict)
    known = load_known(args.known)

    try:
        results, wall = run_simulate([args.iamlog], strict)
    except (OSError, RuntimeError) as e:
        print(f"conformance: cannot run {args.iamlog}: {e}", file=sys.stderr)
        return 2

    agree = 0
    errors = 0
    disagreements = []
    for c, r in zip(strict, results):
        expected = (c.get("expected") or {}).get("decision")
        got = outcome(r)
        errors += got == "error"
        ok = got == "error" if expected is None else got == expected
        if ok:
            agree += 1
            continue
        entry = {"id": c.get("id"), "name": c.get("name"), "expected": expected, "got": got,
                 "error": r.get("error")}
        k = match_known(known, c.get("id"), expected, got)
        if k:
            entry["known"] = {"spec": k["spec"], "why": k["why"]}
        disagreements.append(entry)
    disagreements.sort(key=lambda d: natural_key(d["id"]))
    total = len(strict)
    pct = 100.0 * agree / total if total else 100.0
    unknown = [d for d in disagreements if "known" not in d]

    if args.json:
        print(json.dumps({
            "cases_file": os.path.abspath(args.cases), "iamlog": args.iamlog,
            "total_cases": len(all_cases), "strict": total, "skipped_discovery": skipped,
            "agree": agree, "disagree": len(disagreements), "percent": round(pct, 2),
            "errors": errors, "known": len(disagreements) - len(unknown), "unknown": len(unknown),
            "wall_seconds": round(wall, 3), "disagreements": disagreements}, indent=1))
    else:
        print(f"{agree}/{total} agree ({pct:.1f}%) on Strict cases; "
              f"skipped {skipped} Discovery-mode cases (non-standard oracle extension); "
              f"{errors} rejected by iamlog; {wall:.2f}s")
        for title, rows in (("unknown disagreements", unknown),
                            ("known divergences", [d for d in disagreements if "known" in d])):
            if not rows:
                continue
            print(f"\n{title} ({len(rows)}):")
            for d in rows:
                err = f"  error: {d['error']}" if d["error"] else ""
                print(f"  {d['id']}  {d['name']!r}  expected {d['expected']}  got {d['got']}{err}")
                if "known" in d:
                    print(f"      {d['known']['spec']}: {d['known']['why']}")

    if args.min_percent is not None and pct < args.min_percent:
        print(f"conformance: {pct:.2f}% < --min-percent {args.min_percent}", file=sys.stderr)
        return 1
    if args.fail_on_unknown and unknown:
        print(f"conformance: {len(unknown)} disagreement(s) not on the known list", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
