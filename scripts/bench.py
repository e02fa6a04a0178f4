#!/usr/bin/env python3
"""Times `iamlog analyze` against the peer tools on generated organisations.

    python3 scripts/bench.py [SIZE ...] [--runs 3] [--peer-runs 1] [--accounts K] [--iamlog PATH]
                             [--peers-venv DIR] [--tools iamlog,iamape,cloudsplaining,pmapper]
                             [--timeout 600] [--work target/bench] [--json FILE]

For each SIZE (users; default 1000 5000) it generates a one-account organisation with
scripts/gen_org.py (SIZE users, SIZE/10 groups, SIZE/2 roles, SIZE/5 customer policies) and
times each run (wall clock from the clock around the process, to the millisecond; peak RSS
from `/usr/bin/time -v`, whose own wall clock has only hundredths), capped at --timeout seconds:

- iamlog:  `iamlog analyze --input DIR --format json` (with --format text, the default text
  report) on the authorization details and organization.json of that organisation;
- the peers, on the same single authorization-details file, through the runners in
  ../shared/tools/peers: IAM-APE (iamape_all.py --summary: effective permissions of every
  principal), cloudsplaining (cloudsplaining_norm.py --summary: per-principal risks), PMapper
  (run_pmapper.py: graph, edges and all-pairs reachability). They run with the Python of the
  venv that tools/peers/setup.sh creates (../shared/tools/peers/.venv, or --peers-venv); a
  missing venv or package is reported as "not installed" and skipped.

With --accounts K (K > 1), iamlog also runs on a K-account organisation of the same size (one
more row). iamlog runs --runs times (default 3), each peer --peer-runs times (default 1, as
one peer run takes minutes); the table shows the median wall time and the highest peak RSS. A
run that hits the cap or fails stops that tool at that size, and a tool that hit the cap is not
run at larger sizes. A failing command (iamlog analyze not built yet, a peer crashing) becomes an error row
with the exit status and the last line of its standard error; the rest still runs. Outputs and
logs stay in --work (default target/bench). Exit status: 0 when iamlog succeeded everywhere,
1 otherwise.
"""
import argparse
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "scripts", "gen_org.py")
TIME = "/usr/bin/time"

# Peer tools: name -> (runner script in tools/peers, extra args, module that must import).
PEERS = {
    "iamape": ("iamape_all.py", ["--summary"], "iam_ape"),
    "cloudsplaining": ("cloudsplaining_norm.py", ["--summary"], "cloudsplaining"),
    "pmapper": ("run_pmapper.py", [], "principalmapper"),
}
LABEL = {"iamape": "IAM-APE", "cloudsplaining": "cloudsplaining", "pmapper": "PMapper"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def default_iamlog():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    return os.path.join(target, "release", "iamlog")


def default_shared():
    return os.environ.get("IAMLOG_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")


def generate(work, users, accounts, seed):
    """The organisation directory for (users, accounts, seed), generated unless already there."""
    out = os.path.join(work, f"org-{users}u-{accounts}a-s{seed}")
    stamp = os.path.join(out, ".generated")
    with open(GEN, "rb") as f:
        want = f"{users} {accounts} {seed} {hash_bytes(f.read())}"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return out
    if os.path.isdir(out):
        for name in os.listdir(out):
            os.remove(os.path.join(out, name))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, GEN, "--users", str(users), "--accounts", str(accounts),
                    "--seed", str(seed), "-o", out], check=True)
    log(f"generated {out} in {time.perf_counter() - t0:.1f} s")
    with open(stamp, "w") as f:
        f.write(want)
    return out


def hash_bytes(data):
    return hashlib.sha256(data).hexdigest()[:16]


def parse_peak_rss(path):
    """Peak RSS in MB from a `/usr/bin/time -v` report; None where missing."""
    try:
        text = open(path).read()
    except OSError:
        return None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size"):
            return int(line.rsplit(": ", 1)[1]) / 1024
    return None


def run_once(cmd, stem, cap):
    """Runs cmd under /usr/bin/time -v with a cap; returns dict(status, wall, rss, note)."""
    timefile = stem + ".time"
    use_time = os.access(TIME, os.X_OK)
    full = ([TIME, "-v", "-o", timefile] if use_time else []) + cmd
    t0 = time.perf_counter()
    with open(stem + ".out", "wb") as out, open(stem + ".err", "wb") as err:
        try:
            proc = subprocess.Popen(full, stdout=out, stderr=err, start_new_session=True)
        except OSError as e:
            return {"status": "error", "wall": None, "rss": None, "note": str(e)}
        # A blocking wait returns as the process ends (Popen.wait(timeout) polls, late by up
        # to tens of milliseconds); a timer kills the process group this Popen started at
        # the cap.
        capped = threading.Event()

        def kill():
            capped.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:  # it ended as the cap came
                pass

        timer = threading.Timer(cap, kill)
        timer.start()
        rc = proc.wait()
        timer.cancel()
    # The clock around the process, not /usr/bin/time's hundredths: at 0.12 s those alone
    # would move a ratio by 8%.
    wall = time.perf_counter() - t0
    if capped.is_set():
        return {"status": "timeout", "wall": None, "rss": None, "note": f"killed at the {cap:g} s cap"}
    rss = parse_peak_rss(timefile) if use_time else None
    if rc != 0:
        return {"status": "error", "wall": wall, "rss": rss, "note": f"exit {rc}: {last_line(stem + '.err')}"}
    return {"status": "ok", "wall": wall, "rss": rss, "note": ""}


def last_line(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 4096))
            lines = [x for x in f.read().decode("utf-8", "replace").splitlines() if x.strip()]
    except OSError:
        return "?"
    # clap ends with a usage hint and Python with the exception: prefer the last line naming an error
    errors = [x for x in lines if "error" in x.lower()]
    pick = errors[-1] if errors else lines[-1] if lines else "(no stderr)"
    return pick.strip()[:160]


def looks_like_json(path):
    with open(path, "rb") as f:
        head = f.read(64).lstrip()
    return head[:1] in (b"{", b"[")


def measure(label, cmd, stem, runs, cap, check_json=False):
    """Runs a tool `runs` times; returns the row (median wall, max RSS)."""
    results = []
    for i in range(runs):
        res = run_once(cmd, f"{stem}.run{i + 1}", cap)
        if res["status"] == "ok" and check_json and not looks_like_json(f"{stem}.run{i + 1}.out"):
            res = dict(res, status="error", note="exit 0 but the output is not JSON")
        shown = f"{res['wall']:.3f} s" if res["wall"] is not None else "-"
        shown += f", {res['rss']:.0f} MB" if res["rss"] is not None else ""
        log(f"  {label} run {i + 1}/{runs}: {res['status']} {shown} {res['note']}".rstrip())
        if res["status"] != "ok":
            return {"status": res["status"], "runs": i + 1, "wall": res["wall"], "rss": res["rss"],
                    "note": res["note"]}
        results.append(res)
    walls = [r["wall"] for r in results]
    rsses = [r["rss"] for r in results if r["rss"] is not None]
    return {"status": "ok", "runs": runs, "wall": statistics.median(walls),
            "rss": max(rsses) if rsses else None, "note": ""}


def peer_status(venv, shared):
    """name -> None if runnable, else why not."""
    py = os.path.join(venv, "bin", "python")
    out = {}
    if not os.access(py, os.X_OK):
        for name in PEERS:
            out[name] = f"not installed (no {venv}; run {os.path.join(shared, 'tools/peers/setup.sh')})"
        return out
    for name, (script, _, module) in PEERS.items():
        if not os.path.exists(os.path.join(shared, "tools", "peers", script)):
            out[name] = f"not installed (runner {script} not found in {shared}/tools/peers)"
            continue
        ok = subprocess.run([py, "-c", f"import {module}"], capture_output=True).returncode == 0
        out[name] = None if ok else f"not installed ({module} does not import in {venv})"
    return out


def fmt_row(size, tool, row, base):
    if row["status"] == "ok":
        wall = f"{row['wall']:.3f}" if row["wall"] < 10 else f"{row['wall']:.1f}"
    elif row["status"] == "timeout":
        wall = f">{row['cap']:g}"
    else:
        wall = "-"
    rss = f"{row['rss']:.0f}" if row.get("rss") is not None and row["status"] == "ok" else "-"
    if row["status"] == "ok" and base:
        ratio = f"{row['wall'] / base:.1f}x"
    elif row["status"] == "timeout" and base:
        ratio = f">{row['cap'] / base:.0f}x"
    else:
        ratio = "-"
    note = row.get("note", "")
    if row["status"] == "ok":
        note = f"{row['runs']} run{'s' if row['runs'] > 1 else ''}" + (f"; {note}" if note else "")
    return [str(size), tool, wall, rss, ratio, note]


def print_table(rows):
    head = ["size", "tool", "median wall s", "peak RSS MB", "ratio to iamlog", "note"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head) - 1)]
    line = lambda r: "  ".join(x.ljust(w) if i < 2 else x.rjust(w) for i, (x, w) in enumerate(zip(r, widths))) \
        + "  " + r[-1]
    print(line(head))
    print(line(["-" * w for w in widths] + ["-" * 4]))
    for r in rows:
        print(line(r).rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 5000], help="users (default 1000 5000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool and size (default 3)")
    ap.add_argument("--peer-runs", type=int, default=1,
                    help="runs per peer and size (default 1: a peer run takes minutes)")
    ap.add_argument("--accounts", type=int, default=1,
                    help="also time iamlog on a K-account organisation of the same size (K > 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iamlog", default=default_iamlog(), help="iamlog binary (default: the release build)")
    ap.add_argument("--shared", default=default_shared(), help="the shared tree (default ../shared)")
    ap.add_argument("--peers-venv", help="venv of the peers (default SHARED/tools/peers/.venv)")
    ap.add_argument("--tools", default="iamlog,iamape,cloudsplaining,pmapper")
    ap.add_argument("--format", choices=["json", "text"], default="json",
                    help="iamlog's report: json (with the reachable lists) or text (default json)")
    ap.add_argument("--timeout", type=float, default=600, help="cap per run in seconds (default 600)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"), help="generated data and logs")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t != "iamlog" and t not in PEERS]
    if unknown:
        ap.error(f"unknown tool(s) {', '.join(unknown)}; known: iamlog, {', '.join(PEERS)}")
    peer_runs = args.peer_runs
    venv = args.peers_venv or os.path.join(args.shared, "tools", "peers", ".venv")
    os.makedirs(args.work, exist_ok=True)
    logs = os.path.join(args.work, "logs")
    os.makedirs(logs, exist_ok=True)
    if not os.access(TIME, os.X_OK):
        log(f"warning: {TIME} not found: wall time from Python, peak RSS unknown")

    status = peer_status(venv, args.shared)
    for name in PEERS:
        if name in tools and status[name]:
            print(f"{LABEL[name]}: {status[name]}")
    py = os.path.join(venv, "bin", "python")
    peers_dir = os.path.join(args.shared, "tools", "peers")

    table, records, timed_out, iamlog_ok = [], [], set(), True
    for size in args.sizes:
        org = generate(args.work, size, 1, args.seed)
        files = sorted(f for f in os.listdir(org) if f.startswith("authdetails-"))
        single = os.path.join(org, files[0])
        log(f"[{size} users] {org} ({os.path.getsize(single) / 1e6:.1f} MB authorization details)")
        base = None
        jobs = []
        if "iamlog" in tools:
            label = "iamlog" if args.format == "json" else "iamlog (text report)"
            jobs.append(("iamlog", label, [args.iamlog, "analyze", "--input", org, "--format", args.format], args.runs))
            if args.accounts > 1:
                multi = generate(args.work, size, args.accounts, args.seed)
                jobs.append((f"iamlog-{args.accounts}acct", f"iamlog ({args.accounts} accounts)",
                             [args.iamlog, "analyze", "--input", multi, "--format", args.format], args.runs))
        for name in PEERS:
            if name in tools:
                script, extra, _ = PEERS[name]
                jobs.append((name, LABEL[name], [py, os.path.join(peers_dir, script), *extra, single], peer_runs))
        for key, label, cmd, runs in jobs:
            if key in PEERS and status[key]:
                row = {"status": "skipped", "note": "not installed"}
            elif key in timed_out:
                row = {"status": "skipped", "note": f"skipped: hit the {args.timeout:g} s cap at a smaller size"}
            elif key.startswith("iamlog") and not os.access(args.iamlog, os.X_OK):
                row = {"status": "error", "note": f"{args.iamlog} not found: cargo build --release first"}
            else:
                row = measure(label, cmd, os.path.join(logs, f"{key}-{size}"), runs, args.timeout,
                              check_json=key.startswith("iamlog") and args.format == "json")
            row["cap"] = args.timeout
            if row["status"] == "timeout":
                timed_out.add(key)
            if key == "iamlog":
                base = row["wall"] if row["status"] == "ok" else None
            if key.startswith("iamlog") and row["status"] != "ok":
                iamlog_ok = False
            table.append(fmt_row(size, label, row, base))
            records.append({"size": size, "tool": label, **{k: row.get(k) for k in
                                                             ("status", "runs", "wall", "rss", "note")},
                            "ratio": (row["wall"] / base) if base and row["status"] == "ok" else None})
    print_table(table)
    print(f"(one-account organisations from scripts/gen_org.py --seed {args.seed}; peers read its single "
          f"authorization-details file; ratio = median wall / iamlog's at that size; logs in {logs})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
            f.write("\n")
    return 0 if iamlog_ok else 1


if __name__ == "__main__":
    sys.exit(main())
