#!/usr/bin/env python3
"""Wall-clock comparison of `iamlog simulate` with the differential oracle on the same cases.

Runs `node oracle.mjs < CASES` and `iamlog simulate --cases CASES` each RUNS times (after one
untimed warm-up run each), and prints the median wall time (and CPU time, user + sys) of each,
the cost per case, and the ratio. Each side is also run on an empty case list to measure its fixed cost (process start,
module loading), so the per-case figures can be given net of it. The first timed run's outputs
are compared decision by decision and the agreement is printed.

Cases are in the oracle's format (shared/tools/oracle/README.md): a JSON array or
{"cases": [...]}. `--mode` keeps only the cases of one mode (a case without "mode" is Strict);
`--replicate K` repeats the kept cases K times with distinct ids ("<id>#r<k>").

The oracle needs its node_modules. If ORACLE_DIR has none, it is copied to a scratch
directory (reused across runs) and `npm ci` is run there; ORACLE_DIR itself is never written.

Example (the 574 Strict conformance cases, replicated 20 times = 11,480 cases):

    cargo build --release
    python3 scripts/bench_vs_oracle.py --cases ../shared/conformance/iam-simulate-cases.json \
        --mode Strict --replicate 20 --runs 5

Only the Python 3.11 standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ORACLE = REPO_ROOT.parent / "shared" / "tools" / "oracle"
DEFAULT_IAMLOG = Path(os.environ.get("CARGO_TARGET_DIR") or REPO_ROOT / "target") / "release" / "iamlog"
SCRATCH = Path(tempfile.gettempdir()) / "iamlog-bench-oracle"


def load_cases(path: Path) -> list[dict]:
    data = json.loads(path.read_text())
    if isinstance(data, dict):
        data = data.get("cases", [data])
    if not isinstance(data, list):
        sys.exit(f"{path}: expected an array of cases or {{\"cases\": [...]}}")
    return data


def prepare_cases(cases: list[dict], mode: str, replicate: int) -> list[dict]:
    if mode != "all":
        cases = [c for c in cases if c.get("mode", "Strict") == mode]
    if replicate <= 1:
        return cases
    out = []
    for k in range(replicate):
        for c in cases:
            copy = dict(c)
            copy["id"] = f"{c.get('id')}#r{k}"
            out.append(copy)
    return out


def oracle_dir(given: Path, npm: str) -> Path:
    """A directory holding oracle.mjs with its node_modules installed."""
    marker = Path("node_modules") / "@cloud-copilot" / "iam-simulate" / "package.json"
    if (given / marker).exists():
        return given
    scratch_ok = (SCRATCH / marker).exists() and all(
        (SCRATCH / f).exists() and (SCRATCH / f).read_bytes() == (given / f).read_bytes()
        for f in ("oracle.mjs", "package-lock.json")
    )
    if scratch_ok:
        return SCRATCH
    print(f"installing the oracle's dependencies into {SCRATCH} (npm ci) ...", file=sys.stderr)
    if SCRATCH.exists():
        shutil.rmtree(SCRATCH)
    shutil.copytree(given, SCRATCH, ignore=shutil.ignore_patterns("node_modules"))
    for p in [SCRATCH, *SCRATCH.rglob("*")]:  # the source may be read-only
        p.chmod(p.stat().st_mode | 0o200)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SCRATCH, check=True,
                   stdout=sys.stderr)
    return SCRATCH


def run_once(argv: list[str], stdin_path: Path | None, out_path: Path) -> tuple[float, float]:
    """Runs `argv` once, output to `out_path`; returns (wall, cpu) seconds, cpu = user + sys.

    CPU time is given too because wall time on a busy machine includes time spent waiting for
    a core; a process's own CPU time hardly depends on the load.
    """
    err_path = out_path.with_suffix(".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin_path:
                stdin.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}:\n{err_path.read_text(errors='replace')[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def timed(argv: list[str], stdin_path: Path | None, out_path: Path, runs: int, warmup: int) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        run_once(argv, stdin_path, out_path)
    runs_ = [run_once(argv, stdin_path, out_path) for _ in range(runs)]
    return [w for w, _ in runs_], [c for _, c in runs_]


def decisions(path: Path) -> dict:
    return {json.dumps(r.get("id")): (r.get("decision"), r.get("error") is not None)
            for r in json.loads(path.read_text())}


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def fmt_case(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} µs/case"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, required=True, help="cases file in the oracle's format")
    ap.add_argument("--mode", default="Strict", choices=["Strict", "Discovery", "all"],
                    help="keep only cases of this mode (default Strict)")
    ap.add_argument("--replicate", type=int, default=1, help="repeat the cases K times with distinct ids")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each side (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--iamlog", type=Path, default=DEFAULT_IAMLOG, help="iamlog binary (default $CARGO_TARGET_DIR/release/iamlog, else target/release/iamlog)")
    ap.add_argument("--oracle-dir", type=Path, default=DEFAULT_ORACLE, help=f"folder of oracle.mjs (default {DEFAULT_ORACLE})")
    ap.add_argument("--node", default="node")
    ap.add_argument("--npm", default="npm")
    ap.add_argument("--keep", type=Path, help="also write the prepared cases file here")
    args = ap.parse_args()

    if not args.iamlog.exists():
        sys.exit(f"{args.iamlog}: not found (run `cargo build --release`, or pass --iamlog)")
    cases = prepare_cases(load_cases(args.cases), args.mode, args.replicate)
    if not cases:
        sys.exit("no cases left after filtering")
    oracle = oracle_dir(args.oracle_dir, args.npm)

    with tempfile.TemporaryDirectory(prefix="bench-vs-oracle-") as tmp:
        tmp = Path(tmp)
        cases_path = args.keep or tmp / "cases.json"
        cases_path.write_text(json.dumps(cases))
        empty_path = tmp / "empty.json"
        empty_path.write_text("[]")
        sides = {
            "oracle": (lambda f: [args.node, str(oracle / "oracle.mjs")], True),
            "iamlog": (lambda f: [str(args.iamlog), "simulate", "--cases", str(f)], False),
        }
        results = {}
        for name, (argv_for, uses_stdin) in sides.items():
            out = tmp / f"{name}.json"
            wall, cpu = timed(argv_for(cases_path), cases_path if uses_stdin else None, out,
                              args.runs, args.warmup)
            ewall, ecpu = timed(argv_for(empty_path), empty_path if uses_stdin else None,
                                tmp / f"{name}-empty.json", args.runs, args.warmup)
            results[name] = {"out": out, "wall": wall, "cpu": cpu, "ewall": ewall, "ecpu": ecpu}

        n = len(cases)
        size = cases_path.stat().st_size
        try:
            load = " (load average before: %.2f %.2f %.2f)" % os.getloadavg()
        except OSError:
            load = ""
        print(f"cases: {n} ({args.mode}, x{args.replicate}) from {args.cases}, {size / 1e6:.1f} MB of JSON")
        print(f"runs: {args.runs} timed + {args.warmup} warm-up each; median [min .. max]{load}")
        print()
        med = {}
        for name in sides:
            r = results[name]
            for kind, full, empty in (("wall", r["wall"], r["ewall"]), ("cpu", r["cpu"], r["ecpu"])):
                m, e = statistics.median(full), statistics.median(empty)
                med[name, kind] = (m, e)
                print(f"{name:7} {kind:4} total {fmt_s(m)}  [{min(full) * 1000:.1f} .. {max(full) * 1000:.1f}]"
                      f"  = {fmt_case(m / n)}")
                print(f"{'':12} empty {fmt_s(e)}  (process start, no cases)")
                print(f"{'':12} net   {fmt_s(m - e)}  = {fmt_case((m - e) / n)}  (reading, deciding, writing)")
        print()
        for kind in ("wall", "cpu"):
            (om, oe), (im, ie) = med["oracle", kind], med["iamlog", kind]
            print(f"ratio oracle/iamlog ({kind}): total {om / im:.1f}x, net of process start "
                  f"{(om - oe) / max(im - ie, 1e-9):.1f}x")

        theirs, ours = decisions(results["oracle"]["out"]), decisions(results["iamlog"]["out"])
        same, both_err, differ = 0, 0, []
        for key, (decision, rejected) in ours.items():
            t_decision, t_rejected = theirs.get(key, (None, True))
            if rejected and t_rejected:
                both_err += 1
            elif not rejected and not t_rejected and decision == t_decision:
                same += 1
            else:
                differ.append(json.loads(key))
        print(f"agreement: {same}/{n} same decision, {both_err} rejected by both, {len(differ)} differ")
        base = sorted({str(d).rsplit("#r", 1)[0] if args.replicate > 1 else str(d) for d in differ})
        for d in base[:20]:
            print(f"  differs: {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
