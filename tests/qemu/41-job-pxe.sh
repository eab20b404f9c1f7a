#!/usr/bin/env bash
# The main path: 4 nodes PXE-boot hello from dnsmasq (DHCP + TFTP) on the cluster switch;
# rank 0 shows each rank's tagged output and the job summary.
source "$(dirname "$0")/../lib.sh"
need_root_net
command -v dnsmasq >/dev/null || skip "dnsmasq not installed"
run_job -n 4 --pxe --timeout 300 build/hello.elf -- x y
[ "$JOB_EXIT" = 0 ] || fail "job exit $JOB_EXIT"
[ "$RANK0_EXIT" = 0 ] || fail "rank 0's own exit code $RANK0_EXIT"
for r in 0 1 2 3; do
    expect "$TMP/node0.log" "^\[$r\] argc=3 argv\[0\]=hello argv\[1\]=x argv\[2\]=y" "rank $r tagged argv line"
    expect "$TMP/node0.log" "^job: +$r +0 " "rank $r in the summary"
done
expect "$TMP/node0.log" "^job: exit code 0" "job exit line"
