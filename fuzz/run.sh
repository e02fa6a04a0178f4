#!/usr/bin/env bash
# Runs one fuzz target: ./run.sh TARGET [RUNS] [extra libFuzzer flags...]
# Builds with cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP=1, no sanitizer), seeds the
# corpus from the repository's examples, and prints libFuzzer's final statistics. Crashes are
# written to fuzz/artifacts/TARGET/. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: ./run.sh TARGET [RUNS] [libFuzzer flags...]}
runs=${2:-1000000}
shift $(( $# >= 2 ? 2 : 1 ))
dict=dict/iam.dict
case $target in
  lang|query) dict=dict/lang.dict ;;
  decide) dict= ;;
esac
[ -d corpus/"$target" ] || ./seed.sh
mkdir -p artifacts/"$target"
export RUSTC_BOOTSTRAP=1
exec cargo fuzz run --sanitizer none "$target" corpus/"$target" -- \
  -runs="$runs" -timeout=10 -print_final_stats=1 ${dict:+-dict=$dict} "$@"
