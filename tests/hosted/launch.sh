#!/usr/bin/env bash
# How hosted ranks find each other without porto-run's local defaults:
#  - under Slurm's srun: 4 processes with the variables srun sets (SLURM_PROCID, SLURM_NTASKS,
#    SLURM_STEP_NODELIST, SLURM_STEP_TASKS_PER_NODE, ids) and no Porto words: rank, size, job
#    id and peers come from them (two "nodes" that both name this machine, block layout);
#  - a host list started over a remote shell (porto-run --host --hosts, with a stand-in for
#    ssh that runs the command here): peers= lists every rank's host and port.
source "$(dirname "$0")/../lib.sh"
bin=build/host/hello
[ -x "$bin" ] || fail "$bin missing (make host)"
# Every task computes the same job id and ports from the same SLURM_JOB_ID/SLURM_STEP_ID.
jobid=$((RANDOM + 1000))
pids=()
for r in 0 1 2 3; do
    env SLURM_PROCID=$r SLURM_NTASKS=4 SLURM_STEP_NODELIST="localhost,127.0.0.1" \
        SLURM_STEP_TASKS_PER_NODE="2(x2)" SLURM_JOB_ID=$jobid SLURM_STEP_ID=3 \
        SLURM_DISTRIBUTION=block timeout 60 "$bin" -- slurm >"$TMP/slurm$r.log" 2>&1 &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=$?; done
cat "$TMP/slurm0.log"
[ $rc = 0 ] || fail "a Slurm-launched rank failed (exit $rc)"
expect "$TMP/slurm0.log" "^job: formed in .*: rank 0 of 4" "rank and size from SLURM_PROCID/SLURM_NTASKS"
expect "$TMP/slurm0.log" "^\[3\] argc=2 .*argv\[1\]=slurm" "rank 3's output forwarded to rank 0"
expect "$TMP/slurm0.log" "^job: exit code 0" "the job's summary"
host_words="--hosts localhost,127.0.0.1 --ssh $ROOT/tests/hosted/local-ssh"
# shellcheck disable=SC2086
run_job --host -n 4 --timeout 60 $host_words "$bin" -- remote
[ "$JOB_EXIT" = 0 ] || fail "--hosts job: exit $JOB_EXIT"
expect "$TMP/node0.log" "^\[2\] argc=2 .*argv\[1\]=remote" "rank 2 started through the remote shell"
tr -d '\\' <"$RUNDIR/node0.cmd" | grep -qE "peers=localhost:[0-9]+,localhost:[0-9]+,127.0.0.1:" ||
    fail "peers= does not list the ranks in blocks over the hosts"
echo "ok: peers= in blocks over the hosts"
