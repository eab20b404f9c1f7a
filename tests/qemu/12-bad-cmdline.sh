#!/usr/bin/env bash
# Bad command lines end with a clear message and a failure exit, never a hang.
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
