#!/usr/bin/env bash
# A fault on a secondary core (node 1, core 1 = rank 3 of 2 x 2) ends the job with the fault
# code, its report names the core; and a node given -smp 2 but no cpus= still runs one rank
# (one-core nodes are unchanged).
source "$(dirname "$0")/../lib.sh"
[ -f build/hello.elf ] || fail "build/hello.elf missing (run make)"
run_job -n 2 --cpus 2 --timeout 120 --kargs "fault=1 only=3" build/hello.elf
[ "$JOB_EXIT" = 100 ] || fail "job exit $JOB_EXIT, expected 100"
[ "$RANK0_EXIT" = 100 ] || fail "rank 0's own exit code $RANK0_EXIT, expected 100 (the job's code)"
expect "$TMP/node0.log" "^\[3\] \*\*\* Porto: CPU fault 14 \(page fault\) on core 1" \
    "rank 3's fault report names core 1 and reached rank 0"
expect "$TMP/node0.log" "^job: +3 +100 .*CPU fault" "summary line"
[ "$(rank_code 1)" != - ] || fail "node 1 gave no exit code of its own (its core 0 ends it)"

boot_qemu "$TMP/one.log" 60 -smp 2 -kernel build/hello.elf -append "exit=7 -- a b"
[ "$EXIT" = 7 ] || fail "hello on a 2-CPU machine without cpus=: exit $EXIT, expected 7"
expect "$TMP/one.log" "^hello: exiting with 7" "one rank ran"
grep -q "^smp:" "$TMP/one.log" && fail "cpus= absent, yet the other core was started"
echo "ok: the second CPU stayed off"
