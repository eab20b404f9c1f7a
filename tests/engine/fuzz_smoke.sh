#!/usr/bin/env bash
# tests/engine/fuzz_smoke.sh — the short libFuzzer run of the engine's receive path that
# `make test` includes (copied to build/host/tests/engine/fuzz_smoke by tests/mk/engine.mk).
# A fixed seed and input count, so a failure reproduces; crashes leave crash-* files in
# build/fuzz/. The long run is `make fuzz`.
set -u
cd "$(dirname "$0")/../../../.."
fuzzer=build/host/fuzz/fuzz_rx
[ -x "$fuzzer" ] || { echo "missing $fuzzer (make it first)"; exit 1; }
mkdir -p build/fuzz/corpus
exec "$fuzzer" -seed=1 -runs="${FUZZ_RUNS:-30000}" -max_len=4096 -artifact_prefix=build/fuzz/ \
    -print_final_stats=1 build/fuzz/corpus
