#!/usr/bin/env python3
"""Locate (and if needed install) the differential oracle, shared/tools/oracle.

The oracle wraps the AGPL npm package @cloud-copilot/iam-simulate. It is only ever run as a
separate process (`node oracle.mjs`); nothing of it is copied into this repository.

Resolution order for the oracle directory:
  1. --oracle-dir / $IAMLOG_ORACLE_DIR, else ../shared/tools/oracle (relative to the repo root).
  2. If that directory has node_modules/, use it as is.
  3. Otherwise, if the directory is writable (by its mode bits: shared/ is deliberately r-x even
     for root), run `npm ci` in it.
  4. Otherwise copy it to $TMPDIR/iamlog-oracle-<hash of package-lock.json + oracle.mjs> and run
     `npm ci` there (once: later runs reuse the copy), as shared/tools/oracle/README.md says.

CLI: `python3 scripts/oracle_env.py [--oracle-dir DIR]` prints the ready directory.
"""
import argparse
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ORACLE_DIR = os.path.join(REPO_ROOT, "..", "shared", "tools", "oracle")
DEFAULT_CASES = os.path.join(REPO_ROOT, "..", "shared", "conformance", "iam-simulate-cases.json")
DEFAULT_DATA_DIR = os.path.join(REPO_ROOT, "..", "shared", "data")


def _unavailable(msg):
    """The oracle cannot be set up: exit 2, which callers read as 'tool cannot be run'."""
    print(msg, file=sys.stderr)
    raise SystemExit(2)


def _log(msg):
    print(f"oracle_env: {msg}", file=sys.stderr)


def _writable(path):
    """True if the mode bits allow writing (os.access says yes to root even on r-x dirs)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)


def _npm_ci(path):
    _log(f"npm ci in {path}")
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=path,
                       stdout=sys.stderr, stderr=sys.stderr)
    if r.returncode != 0:
        _unavailable(f"oracle_env: npm ci failed in {path} (exit {r.returncode})")


def _fingerprint(src):
    h = hashlib.sha256()
    for name in ("package-lock.json", "package.json", "oracle.mjs"):
        p = os.path.join(src, name)
        if os.path.exists(p):
            with open(p, "rb") as f:
                h.update(name.encode() + b"\0" + f.read())
    return h.hexdigest()[:12]


def ready_oracle_dir(oracle_dir=None):
    """Return a directory holding oracle.mjs with its node_modules installed."""
    src = os.path.abspath(oracle_dir or os.environ.get("IAMLOG_ORACLE_DIR") or DEFAULT_ORACLE_DIR)
    if not os.path.isfile(os.path.join(src, "oracle.mjs")):
        _unavailable(f"oracle_env: no oracle.mjs in {src} (use --oracle-dir)")
    if os.path.isdir(os.path.join(src, "node_modules")):
        return src
    if _writable(src):
        _npm_ci(src)
        return src
    dst = os.path.join(tempfile.gettempdir(), f"iamlog-oracle-{_fingerprint(src)}")
    if os.path.isdir(os.path.join(dst, "node_modules")):
        return dst
    _log(f"{src} is read-only and has no node_modules: copying it to {dst}")
    tmp = dst + f".tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, ignore=shutil.ignore_patterns("node_modules"))
    for root, dirs, files in os.walk(tmp):  # the copy keeps r-x modes: make it ours
        for n in dirs + files:
            p = os.path.join(root, n)
            os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR)
    os.chmod(tmp, os.stat(tmp).st_mode | stat.S_IWUSR)
    _npm_ci(tmp)
    try:
        os.rename(tmp, dst)
    except OSError:  # a concurrent run won the race: use its copy
        shutil.rmtree(tmp, ignore_errors=True)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--oracle-dir", help="oracle directory (default: ../shared/tools/oracle)")
    args = ap.parse_args()
    print(ready_oracle_dir(args.oracle_dir))


if __name__ == "__main__":
    main()
