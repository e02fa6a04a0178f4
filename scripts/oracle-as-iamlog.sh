#!/usr/bin/env bash
# Self-test stand-in for the iamlog binary: `oracle-as-iamlog.sh simulate --cases FILE` runs the
# oracle (shared/tools/oracle, iam-simulate) on FILE and prints its results, which have the same
# shape as `iamlog simulate`. Only for testing the harness scripts, never as a reference answer
# in place of iamlog. The oracle directory comes from $IAMLOG_ORACLE_DIR or
# ../shared/tools/oracle (installed or copied by scripts/oracle_env.py when needed).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { echo "usage: $0 simulate --cases FILE" >&2; exit 2; }
[ $# -eq 3 ] && [ "$1" = simulate ] && [ "$2" = --cases ] || usage
file=$3
[ -r "$file" ] || { echo "$0: cannot read $file" >&2; exit 2; }
oracle_dir=$(python3 "$here/oracle_env.py")
exec node "$oracle_dir/oracle.mjs" < "$file"
