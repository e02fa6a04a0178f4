"""Shared helpers for the harness scripts: running `iamlog simulate`, natural id order, and the
known-divergences list.

Known-divergences file (scripts/known-divergences.json): a JSON array of entries

    {"id": "core/kms/sameAccount#3",          # exact case id (conformance), or
     "signature": "...",                      # exact class signature printed by differential.py, or
     "features": ["principal:session", "sp"], # all of these features present (differential.py)
     "expected": "Allowed",                   # optional: the reference decision (null = rejected)
     "iamlog": "ImplicitlyDenied",            # optional: what iamlog answers ("error" = rejected)
     "spec": "§5 #40",                        # the spec rule iamlog follows
     "why": "oracle applies the session policy to session-ARN grants; AWS does not"}

An entry needs one of id/signature/features, and `spec` and `why`: a divergence is only "known"
when someone wrote down which rule iamlog follows and why the reference differs. When `expected`
or `iamlog` is given, the disagreement must have exactly those decisions to match.
"""
import json
import os
import re
import subprocess
import tempfile
import time

DECISIONS = ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied")


def natural_key(s):
    """Sort key that orders 'x#2' before 'x#10'."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(s))]


def outcome(result):
    """Decision of one result, or 'error' when the tool rejected the case."""
    if result is None:
        return "missing"
    if result.get("error") or result.get("decision") is None:
        return "error"
    return result["decision"]


def run_simulate(cmd, cases, workdir=None):
    """Run `<cmd...> simulate --cases FILE` on `cases`; return (results, wall seconds).

    cmd is a list (e.g. ["target/release/iamlog"] or ["scripts/oracle-as-iamlog.sh"]).
    Raises RuntimeError when the tool fails as a whole or its output does not line up."""
    fd, path = tempfile.mkstemp(prefix="iamlog-cases-", suffix=".json", dir=workdir)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(cases, f)
        t0 = time.perf_counter()
        p = subprocess.run(list(cmd) + ["simulate", "--cases", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    finally:
        os.unlink(path)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: "
                           f"{p.stderr.decode(errors='replace').strip()[-2000:]}")
    try:
        results = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        raise RuntimeError(f"{' '.join(cmd)}: output is not JSON ({e}); "
                           f"stderr: {p.stderr.decode(errors='replace').strip()[-500:]}")
    if not isinstance(results, list) or len(results) != len(cases):
        n = len(results) if isinstance(results, list) else type(results).__name__
        raise RuntimeError(f"{' '.join(cmd)}: {n} results for {len(cases)} cases")
    for c, r in zip(cases, results):
        if not isinstance(r, dict) or r.get("id") != c.get("id"):
            raise RuntimeError(f"{' '.join(cmd)}: result order broken at case {c.get('id')!r} "
                               f"(got {r.get('id') if isinstance(r, dict) else r!r})")
    return results, wall


def load_known(path):
    if not path:
        return []
    with open(path) as f:
        known = json.load(f)
    if not isinstance(known, list):
        raise SystemExit(f"{path}: expected a JSON array of entries")
    for i, k in enumerate(known):
        if not isinstance(k, dict) or not any(x in k for x in ("id", "signature", "features")):
            raise SystemExit(f"{path}[{i}]: needs one of id, signature, features")
        if not k.get("spec") or not k.get("why"):
            raise SystemExit(f"{path}[{i}]: needs spec and why")
    return known


def match_known(known, case_id, expected, got, signature=None, features=()):
    """Return the first known entry that covers this disagreement, or None."""
    feats = set(features)
    for k in known:
        if "id" in k and k["id"] != case_id:
            continue
        if "signature" in k and k["signature"] != signature:
            continue
        if "features" in k and not set(k["features"]) <= feats:
            continue
        if "expected" in k and k["expected"] != expected:
            continue
        if "iamlog" in k and k["iamlog"] != got:
            continue
        return k
    return None
