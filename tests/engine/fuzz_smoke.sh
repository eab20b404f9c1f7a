#!/usr/bin/env bash
# tests/engine/fuzz_smoke.sh — the short libFuzzer run of the engine's receive path that
# `make test` includes (copied to build/host/tests/engine/fuzz_smoke by tests/mk/engine.mk).
# Reproducible: a fixed seed, a fixed input count, and a corpus that starts empty in a
# temporary directory every run, so what `make fuzz` collects in build/fuzz/corpus never
# changes what this run does. Any crash, leak, timeout
# or out-of-memory exits 1 (libFuzzer's default codes, 77 and 70, are not used); the input
# that did it is kept as build/fuzz/crash-* (or leak-*, timeout-*, oom-*) to replay with
# build/host/fuzz/fuzz_rx FILE. The long run is `make fuzz`.
set -u
cd "$(dirname "$0")/../../../.."
fuzzer=build/host/fuzz/fuzz_rx
[ -x "$fuzzer" ] || { echo "missing $fuzzer (make it first)"; exit 1; }
corpus=$(mktemp -d /tmp/porto-fuzz.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
mkdir -p build/fuzz
"$fuzzer" -seed=1 -runs="${FUZZ_RUNS:-30000}" -max_len=4096 -artifact_prefix=build/fuzz/ \
    -error_exitcode=1 -timeout_exitcode=1 \
    -timeout=20 -print_final_stats=1 "$corpus"
rc=$?
[ $rc = 0 ] || { echo "fuzz_smoke: libFuzzer exited $rc: a failure (see the artifact above)"; exit 1; }
