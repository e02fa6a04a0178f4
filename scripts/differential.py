#!/usr/bin/env python3
"""Differential test: random cases (scripts/gen_cases.py) through the oracle and `iamlog simulate`.

    python3 scripts/differential.py [--count 1000] [--seed 1] [--include-flagged]
        [--iamlog target/release/iamlog] [--oracle-dir ../shared/tools/oracle]
        [--batch-size 2000] [--out target/differential] [--known scripts/known-divergences.json]
        [--fail-on-unknown] [--min-percent P] [--cases FILE] [--no-minimize] [--json]

The oracle (shared/tools/oracle, iam-simulate) is installed by scripts/oracle_env.py when its
node_modules are missing (in a temporary copy when shared/ is read-only). Both tools get the
same batches; their wall time is measured per batch and summed.

Cases the oracle rejects are counted separately and never as agreement. Disagreements are
grouped into classes: the first disagreement not yet covered is minimized (greedy removal of
policies, statements, list elements, conditions and context keys while both tools keep their
answers, no flagged construct appears and every list stays non-empty), and its class covers all
disagreements with the same two answers whose features include the minimized example's core
(principal kind, policy kinds and effects, operators, variables, principal forms, context keys
left; see class_core). The example is written as a one-case file `--out/class-NNN.json` that
`iamlog simulate --cases` accepts directly, with the class signature and member ids in its
"gen" field. Past --max-minimize examples (or with --no-minimize) the rest are grouped by a
coarse signature (answers, principal, account, service, resource policy, guardrails).

Known divergences (--known) match a disagreement by case id, class signature or a feature
subset (features as in gen_cases.features plus "ctx:<key>" for each context key).

Exit status: 0 ok; 1 an unknown disagreement with --fail-on-unknown, or agreement below
--min-percent; 2 a tool cannot be run or its output does not line up.
"""
import argparse
import collections
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_cases  # noqa: E402
from common import load_known, match_known, outcome, run_simulate  # noqa: E402
from oracle_env import REPO_ROOT, ready_oracle_dir  # noqa: E402


def run_oracle(oracle_dir, cases):
    """node oracle.mjs < cases; returns (results, wall seconds)."""
    with tempfile.TemporaryFile("w+") as f:
        json.dump(cases, f)
        f.seek(0)
        t0 = time.perf_counter()
        p = subprocess.run(["node", os.path.join(oracle_dir, "oracle.mjs")], stdin=f,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"oracle exited {p.returncode}: {p.stderr.decode()[-2000:]}")
    results = json.loads(p.stdout)
    if len(results) != len(cases):
        raise RuntimeError(f"oracle: {len(results)} results for {len(cases)} cases")
    return results, wall


class Runner:
    """Runs both tools in batches and keeps their timing."""

    def __init__(self, oracle_dir, iamlog, batch_size):
        self.oracle_dir, self.iamlog, self.batch = oracle_dir, iamlog, batch_size
        self.wall = {"oracle": 0.0, "iamlog": 0.0}
        self.n = {"oracle": 0, "iamlog": 0}

    def both(self, cases, timed=True):
        ores, ires = [], []
        for i in range(0, len(cases), self.batch):
            chunk = cases[i:i + self.batch]
            r, w = run_oracle(self.oracle_dir, chunk)
            ores += r
            r2, w2 = run_simulate([self.iamlog], chunk)
            ires += r2
            if timed:
                self.wall["oracle"] += w
                self.wall["iamlog"] += w2
                self.n["oracle"] += len(chunk)
                self.n["iamlog"] += len(chunk)
        return ores, ires


# ------------------------------------------------------------------ minimization
# A reduction is a path to one element of the case: deleting it (a policy set, an identity
# document, an SCP/RCP level or document, a statement, a condition operator or key, one element
# of a list, a Sid, a context key) or ("engine",) to switch a "core" case to "simulate".
# Paths compose: marking several elements and sweeping once applies them all together.
_GONE = object()


def _doc_paths(case):
    out = []
    for k in ("identityPolicies", "permissionBoundaries"):
        out += [(k, i) for i in range(len(case.get(k) or []))]
    out += [(k,) for k in ("sessionPolicy", "resourcePolicy") if case.get(k)]
    for k in ("scps", "rcps"):
        for i, lvl in enumerate(case.get(k) or []):
            out += [(k, i, j) for j in range(len(lvl))]
    return out


def _get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def reductions(case):
    """Paths of one-step reductions of a case, biggest first."""
    out = [(k,) for k in ("resourcePolicy", "sessionPolicy", "permissionBoundaries", "scps",
                          "rcps", "endpointPolicies") if case.get(k)]
    out += [("identityPolicies", i) for i in range(len(case.get("identityPolicies") or []))]
    for k in ("scps", "rcps"):
        levels = case.get(k) or []
        for i, lvl in enumerate(levels):
            if len(levels) > 1:
                out.append((k, i))
            out += [(k, i, j) for j in range(len(lvl))]
    stmts = []
    for dp in _doc_paths(case):
        st = _get(case, dp).get("Statement")
        if isinstance(st, list):
            if len(st) > 1:
                out += [dp + ("Statement", s) for s in range(len(st))]
            stmts += [(dp + ("Statement", s), x) for s, x in enumerate(st)]
        elif isinstance(st, dict):
            stmts.append((dp + ("Statement",), st))
    for sp, st in stmts:
        cond = st.get("Condition")
        if isinstance(cond, dict):
            out.append(sp + ("Condition",))
            for op, block in cond.items():
                if len(cond) > 1:
                    out.append(sp + ("Condition", op))
                for key, vals in block.items():
                    if len(block) > 1:
                        out.append(sp + ("Condition", op, key))
                    if isinstance(vals, list) and len(vals) > 1:
                        out += [sp + ("Condition", op, key, v) for v in range(len(vals))]
        if "Sid" in st:
            out.append(sp + ("Sid",))
        for el in ("Action", "NotAction", "Resource", "NotResource"):
            if isinstance(st.get(el), list) and len(st[el]) > 1:
                out += [sp + (el, v) for v in range(len(st[el]))]
        for el in ("Principal", "NotPrincipal"):
            pr = st.get(el)
            if isinstance(pr, dict):
                for t, vals in pr.items():
                    if len(pr) > 1:
                        out.append(sp + (el, t))
                    if isinstance(vals, list) and len(vals) > 1:
                        out += [sp + (el, t, v) for v in range(len(vals))]
    out += [("request", "context", k) for k in (case["request"].get("context") or {})]
    if case.get("engine") == "core":
        out.append(("engine",))
    return out


def _sweep(obj):
    if isinstance(obj, list):
        return [_sweep(x) for x in obj if x is not _GONE]
    if isinstance(obj, dict):
        out = {k: _sweep(v) for k, v in obj.items() if v is not _GONE}
        if isinstance(out.get("Condition"), dict):  # drop operators/blocks left empty
            out["Condition"] = {op: b for op, b in out["Condition"].items() if b}
            if not out["Condition"]:
                del out["Condition"]
        return out
    return obj


def _valid(case):
    """No element left empty that the policy grammar (§1.2) requires to be non-empty."""
    for dp in _doc_paths(case):
        st = _get(case, dp).get("Statement")
        sts = st if isinstance(st, list) else [st]
        if not sts:
            return False
        for x in sts:
            for el in ("Action", "NotAction", "Resource", "NotResource"):
                if el in x and x[el] in ([], ""):
                    return False
            for el in ("Principal", "NotPrincipal"):
                if isinstance(x.get(el), dict) and (not x[el] or
                                                     any(v == [] for v in x[el].values())):
                    return False
            for block in (x.get("Condition") or {}).values():
                if any(v == [] for v in block.values()):
                    return False
    return True


def apply_reductions(case, paths):
    d = copy.deepcopy(case)
    for path in paths:
        if path == ("engine",):
            d["engine"] = "simulate"
            d["request"].pop("wildcardOnlyAction", None)
        elif len(path) == 1:
            d[path[0]] = None
        else:
            parent = d
            for p in path[:-1]:  # skip paths inside an element already removed
                parent = parent[p] if parent is not _GONE and parent is not None else None
            if parent is not None and parent is not _GONE:
                parent[path[-1]] = _GONE
    return _sweep(d)


def minimize(case, want_oracle, want_iamlog, runner, allowed_flags, max_rounds=40):
    """Greedy reduction while the oracle keeps want_oracle and iamlog keeps want_iamlog.
    Each round tries every one-step reduction in one batch, then all the preserving ones
    together; if that fails, it takes the first preserving one."""
    cur = copy.deepcopy(case)
    cur.pop("gen", None)

    def keeps(cands):
        """Indices of the candidates that keep both answers (and add no flagged construct)."""
        idx = [n for n, c in enumerate(cands)
               if _valid(c) and set(gen_cases.flags(c)) <= allowed_flags]
        batch = []
        for n in idx:
            cands[n]["id"] = f"{case['id']}~{n}"
            batch.append(cands[n])
        ores, ires = runner.both(batch, timed=False) if batch else ([], [])
        return [n for n, o, i in zip(idx, ores, ires)
                if o.get("error") is None and o.get("decision") == want_oracle
                and outcome(i) == want_iamlog]

    for _ in range(max_rounds):
        paths = reductions(cur)
        cands = [apply_reductions(cur, [p]) for p in paths]
        good = keeps(cands)
        if not good:
            break
        if len(good) > 1:
            together = [apply_reductions(cur, [paths[n] for n in good])]
            if keeps(together):
                cur = together[0]
                continue
        cur = cands[good[0]]
    cur["id"] = f"{case['id']}-min"
    return cur


# Features that a reduction cannot remove or that are incidental to a minimized example; the
# rest (principal kind, policy types and effects, operators, variables, principal forms) plus
# the context keys left make a class's core.
_INCIDENTAL = ("service:", "account:", "engine:", "version:", "action:", "resource:*",
               "resource:wildcard", "cond:key-absent")


def class_core(case):
    """The features that characterise a minimized example (and what its class members share)."""
    f = {x for x in gen_cases.features(case) if not x.startswith(_INCIDENTAL)}
    return f | {"ctx:" + k for k in (case["request"].get("context") or {})}


# ------------------------------------------------------------------------- main
def rate(n, wall):
    return (f"{wall:.2f}s wall, {1000 * wall / n:.3f} ms/case, {n / wall:.0f} cases/s"
            if n and wall else "n/a")


def main():
    ap = argparse.ArgumentParser(description="Differential test of iamlog against the oracle.")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--include-flagged", action="store_true",
                    help="let gen_cases generate constructs where the oracle departs from AWS")
    ap.add_argument("--engine", choices=["simulate", "core"], help="force one oracle engine")
    ap.add_argument("--cases", help="use this case file instead of generating")
    ap.add_argument("--iamlog", default=os.path.join(REPO_ROOT, "target", "release", "iamlog"))
    ap.add_argument("--oracle-dir", help="oracle directory (default: ../shared/tools/oracle)")
    ap.add_argument("--batch-size", type=int, default=2000,
                    help="cases per tool run (the oracle warms up over its first ~100 cases)")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "target", "differential"),
                    help="directory for one minimized example per class")
    ap.add_argument("--no-minimize", action="store_true", help="write examples as generated")
    ap.add_argument("--max-minimize", type=int, default=40,
                    help="minimize at most this many examples (then group by coarse signature)")
    ap.add_argument("--known", help="known divergences (JSON, see scripts/common.py)")
    ap.add_argument("--fail-on-unknown", action="store_true",
                    help="exit 1 if any disagreement is not on the --known list")
    ap.add_argument("--min-percent", type=float, help="exit 1 below this agreement")
    ap.add_argument("--json", action="store_true", help="print a machine-readable summary only")
    args = ap.parse_args()

    def say(*a):
        print(*a, file=sys.stderr if args.json else sys.stdout)

    known = load_known(args.known)
    t0 = time.perf_counter()
    if args.cases:
        with open(args.cases) as f:
            data = json.load(f)
        cases = data["cases"] if isinstance(data, dict) else data
    else:
        cases = gen_cases.generate(args.seed, args.count, args.include_flagged, args.engine)
    gen_wall = time.perf_counter() - t0
    oracle_dir = ready_oracle_dir(args.oracle_dir)
    runner = Runner(oracle_dir, args.iamlog, args.batch_size)
    try:
        ores, ires = runner.both(cases)
    except (OSError, RuntimeError, json.JSONDecodeError) as e:
        print(f"differential: {e}", file=sys.stderr)
        return 2

    agree, oracle_err, iamlog_err, ignored = 0, [], 0, 0
    mix = {"oracle": collections.Counter(), "iamlog": collections.Counter()}
    dis = []  # (case, oracle decision, iamlog outcome)
    for c, o, i in zip(cases, ores, ires):
        exp, got = outcome(o), outcome(i)
        mix["oracle"][exp] += 1
        mix["iamlog"][got] += 1
        ignored += bool(o.get("ignoredContextKeys"))
        if exp == "error":
            oracle_err.append((c["id"], o.get("error"), got))
            continue
        iamlog_err += got == "error"
        if exp == got:
            agree += 1
        else:
            dis.append((c, exp, got))
    compared = len(cases) - len(oracle_err)
    pct = 100.0 * agree / compared if compared else 100.0

    # Classes. Take the first disagreement not yet covered (largest coarse group first),
    # minimize it, and let its class cover every disagreement with the same answers whose
    # features include the minimized example's core. Past --max-minimize (or with
    # --no-minimize) the remaining ones are grouped by their coarse signature.
    coarse = {c["id"]: f"{e}->{g} | " + ",".join(gen_cases.features(c, fine=False))
              for c, e, g in dis}
    size = collections.Counter(coarse.values())
    pending = sorted(dis, key=lambda t: (-size[coarse[t[0]["id"]]], coarse[t[0]["id"]]))
    cores = {c["id"]: class_core(c) for c, _, _ in dis}
    classes = []
    t1 = time.perf_counter()
    while pending:
        c, exp, got = pending[0]
        if not args.no_minimize and len(classes) < args.max_minimize:
            allowed = set(gen_cases.flags(c))
            try:
                ex = minimize(c, exp, got, runner, allowed)
            except (OSError, RuntimeError, json.JSONDecodeError) as e:
                say(f"differential: minimizing {c['id']} failed: {e}")
                ex = copy.deepcopy(c)
            core = class_core(ex)
            sig = f"{exp}->{got} | " + ",".join(sorted(core))
            members = [t for t in pending if t[1:] == (exp, got) and
                       (core <= cores[t[0]["id"]] or t[0] is c)]
        else:
            ex, sig = copy.deepcopy(c), coarse[c["id"]]
            members = [t for t in pending if coarse[t[0]["id"]] == sig]
        ids = {id(t[0]) for t in members}
        pending = [t for t in pending if id(t[0]) not in ids]
        classes.append({"signature": sig, "expected": exp, "iamlog": got, "example": ex,
                        "cases": [t[0] for t in members]})
    min_wall = time.perf_counter() - t1

    known_n = 0
    for cl in classes:
        cl["known"], cl["why"] = 0, set()
        for c in cl["cases"]:
            k = match_known(known, c["id"], cl["expected"], cl["iamlog"],
                            signature=cl["signature"],
                            features=set(gen_cases.features(c)) | cores[c["id"]])
            if k:
                cl["known"] += 1
                cl["why"].add(f"{k['spec']}: {k['why']}")
        known_n += cl["known"]
    disagree = len(dis)

    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "class-*.json")):
        os.unlink(old)
    for n, cl in enumerate(classes, 1):
        ex = cl["example"]
        ex["gen"] = {"class": n, "signature": cl["signature"], "count": len(cl["cases"]),
                     "expected": cl["expected"], "iamlog": cl["iamlog"], "known": cl["known"],
                     "example_ids": [c["id"] for c in cl["cases"][:20]],
                     "features": gen_cases.features(ex), "flags": gen_cases.flags(ex)}
        cl["file"] = os.path.join(args.out, f"class-{n:03d}.json")
        with open(cl["file"], "w") as f:
            json.dump([ex], f, indent=1)
            f.write("\n")

    summary = {
        "cases": len(cases), "seed": None if args.cases else args.seed,
        "include_flagged": args.include_flagged, "compared": compared, "agree": agree,
        "percent": round(pct, 3), "disagree": disagree, "known": known_n,
        "unknown": disagree - known_n, "oracle_errors": len(oracle_err),
        "iamlog_errors": iamlog_err, "oracle_ignored_context_keys": ignored,
        "decisions": {k: dict(v) for k, v in mix.items()},
        "timing": {t: {"wall_s": round(runner.wall[t], 3), "cases": runner.n[t],
                       "ms_per_case": round(1000 * runner.wall[t] / runner.n[t], 4)
                       if runner.n[t] else None,
                       "cases_per_s": round(runner.n[t] / runner.wall[t], 1)
                       if runner.wall[t] else None} for t in ("oracle", "iamlog")},
        "generate_s": round(gen_wall, 3), "minimize_s": round(min_wall, 3),
        "classes": [{"signature": cl["signature"], "count": len(cl["cases"]),
                     "known": cl["known"], "why": sorted(cl["why"]), "file": cl["file"],
                     "example_ids": [c["id"] for c in cl["cases"][:20]]} for cl in classes],
        "oracle_rejected": [{"id": i, "error": e, "iamlog": g} for i, e, g in oracle_err[:50]],
    }
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        say(f"agreement: {agree}/{compared} ({pct:.2f}%)"
            f"  [{len(cases)} cases; {len(oracle_err)} rejected by the oracle, not counted;"
            f" {iamlog_err} rejected by iamlog; {known_n} known, {disagree - known_n} unknown"
            f" disagreements]")
        for t in ("oracle", "iamlog"):
            say(f"{t:7} {rate(runner.n[t], runner.wall[t])}"
                f"  decisions: {dict(sorted(mix[t].items()))}")
        say(f"generate {gen_wall:.2f}s, classify/minimize {min_wall:.2f}s")
        if ignored:
            say(f"warning: the oracle ignored context keys in {ignored} cases (generator bug)")
        for i, e, g in oracle_err[:10]:
            say(f"oracle rejected {i}: {e} (iamlog: {g})")
        if classes:
            say(f"\n{len(classes)} disagreement classes (one example each in {args.out}):")
        for cl in classes:
            tag = (f"known {cl['known']}/{len(cl['cases'])}" if cl["known"] else "UNKNOWN")
            say(f"  {len(cl['cases']):5}  {tag:12} {cl['signature']}")
            say(f"         {cl['file']}")
            for w in sorted(cl["why"]):
                say(f"         {w}")
    if args.fail_on_unknown and disagree - known_n:
        print(f"differential: {disagree - known_n} disagreement(s) not on the known list",
              file=sys.stderr)
        return 1
    if args.min_percent is not None and pct < args.min_percent:
        print(f"differential: {pct:.2f}% < --min-percent {args.min_percent}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
