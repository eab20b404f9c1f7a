#!/usr/bin/env bash
# A deliberate page fault must produce the fault report and Porto's fault exit code (100).
source "$(dirname "$0")/../lib.sh"
boot_qemu "$TMP/c.log" 60 -kernel build/hello.elf -append 'fault=1' -nic none
expect "$TMP/c.log" '\*\*\* Porto: CPU fault 14 \(page fault\) \*\*\*' "fault named"
expect "$TMP/c.log" '^RIP [0-9a-f]{16}  error [0-9a-f]{16}  CR2 0000123456789000' "RIP, error code, CR2"
expect "$TMP/c.log" '^RAX [0-9a-f]{16}  RBX' "register dump"
expect "$TMP/c.log" 'page fault: read from unmapped address 0000123456789000' "decoded error code"
[ "$EXIT" = 100 ] || fail "exit code $EXIT, expected 100 (PORTO_EXIT_FAULT)"
