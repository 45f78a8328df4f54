#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 60), one after the other.
# Exits non-zero when a target finds a crash or an invariant violation (libFuzzer exits
# non-zero); the input that did it is in fuzz/artifacts/<target>/ and replays with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O <target> artifacts/<target>/<file>   (in fuzz/)
#
# Only stable Rust is needed: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo-fuzz
# passes (sanitizer coverage, AddressSanitizer). Needs cargo-fuzz (see docs/fuzzing.md).
# Inputs found in this run go to fuzz/target/corpus/<target> (the committed seeds in
# fuzz/corpus/<target> are only read), so a run leaves the work tree as it was.
#
# Environment: FUZZ_SANITIZER (default address; none builds and runs faster),
# FUZZ_TARGETS (space-separated subset, default all), FUZZ_SEED (a number: libFuzzer's -seed,
# each target starts from the committed seeds only, in a fresh work corpus, and stops after
# the number of inputs in `seeded_runs` below if SECONDS come first; so a seeded run is
# repeatable and a slower machine runs a prefix of the same inputs. CI sets it: what passed
# here passes there. Unset: a random seed and the corpus of earlier local runs, to explore).
set -euo pipefail

cd "$(dirname "$0")"
seconds=${1:-60}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: fuzz/run.sh [SECONDS]   (seconds per target, a positive integer)" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz --version 0.13.2 --locked" >&2
  exit 2
fi

export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-address}
targets=${FUZZ_TARGETS:-$(cargo fuzz list)}
# -O: the release profile of fuzz/Cargo.toml, which turns debug assertions and overflow checks
# on (as in tests) except mail-parser's debug assertions. cargo fuzz's default and -a would
# turn them on for every crate with RUSTFLAGS, which no profile can undo.
build_flags=(--sanitizer "$sanitizer" -O)

echo "==> cargo fuzz build (sanitizer: $sanitizer)"
start=$(date +%s)
cargo fuzz build "${build_flags[@]}"
echo "==> built in $(($(date +%s) - start)) s"

declare -A max_len=([email_parse]=16384 [rule_conditions]=4096 [template_render]=4096)
failed=()
summary=()
# Inputs per target in a seeded run: about a minute each on a quiet 2-core machine.
declare -A seeded_runs=([email_parse]=15000 [rule_conditions]=300000 [template_render]=400000)
seed_flags=()
if [ -n "${FUZZ_SEED:-}" ]; then
  if ! [[ "$FUZZ_SEED" =~ ^[0-9]+$ ]] || [ "$FUZZ_SEED" -lt 1 ]; then
    echo "FUZZ_SEED must be a positive integer" >&2
    exit 2
  fi
  seed_flags=(-seed="$FUZZ_SEED")
  echo "==> seed $FUZZ_SEED, fresh work corpus"
fi
for target in $targets; do
  work="target/corpus/$target"
  runs=()
  if [ -n "${FUZZ_SEED:-}" ]; then
    work="target/corpus-seeded/$target"
    rm -rf "$work"
    runs=(-runs="${seeded_runs[$target]:-100000}")
  fi
  mkdir -p "$work" "artifacts/$target"
  log="target/fuzz-$target.log"
  echo "==> fuzzing $target for $seconds s"
  set +e
  cargo fuzz run "${build_flags[@]}" "$target" "$work" "corpus/$target" -- \
    -max_total_time="$seconds" "${seed_flags[@]}" "${runs[@]}" -timeout=10 -rss_limit_mb=2048 \
    -max_len="${max_len[$target]:-4096}" -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  # The last status line ("#123 DONE cov: … ft: … corp: …") and the final stats.
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  summary+=("$(printf '%-16s %7s %10s %6s %6s %12s' "$target" "${seconds}s" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")")
  if [ "$status" -ne 0 ]; then
    echo "!! $target failed (exit $status); last lines of $log:" >&2
    tail -40 "$log" >&2
    failed+=("$target")
  fi
done

echo "==> fuzz summary"
printf '%-16s %7s %10s %6s %6s %12s\n' target time execs cov ft corpus
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "==> no crashes"
