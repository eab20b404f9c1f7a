#!/usr/bin/env bash
# Bad command lines (a malformed key=, a timeout out of range too) end with a clear message
# and a failure exit, never a hang.
source "$(dirname "$0")/../lib.sh"
boot_qemu "$TMP/a.log" 60 -kernel build/hello.elf -append 'exit=banana' -nic none
expect "$TMP/a.log" 'bad command line: exit=banana is not a number' "non-numeric value"
[ "$EXIT" = 101 ] || fail "exit code $EXIT, expected 101"
boot_qemu "$TMP/b.log" 60 -kernel build/hello.elf -append 'x -- "unterminated' -nic none
expect "$TMP/b.log" 'bad command line: unbalanced double quote' "unbalanced quote"
[ "$EXIT" = 101 ] || fail "exit code $EXIT, expected 101"
boot_qemu "$TMP/c.log" 60 -kernel build/hello.elf -append 'file=missing.txt' -nic none
expect "$TMP/c.log" 'missing.txt: No such file or directory' "missing module named"
[ "$EXIT" = 2 ] || fail "exit code $EXIT, expected 2"
boot_qemu "$TMP/d.log" 60 -kernel build/hello.elf -append 'nodes=2 key=0123' -nic none
expect "$TMP/d.log" 'bad command line: key= must be 32 hex digits' "short key"
[ "$EXIT" = 101 ] || fail "exit code $EXIT, expected 101"
boot_qemu "$TMP/e.log" 60 -kernel build/hello.elf -append 'nodes=2 job=7 peertimeout=-5' -nic none
expect "$TMP/e.log" 'bad command line: peertimeout= must be a whole number of seconds' "negative timeout"
[ "$EXIT" = 101 ] || fail "exit code $EXIT, expected 101"
