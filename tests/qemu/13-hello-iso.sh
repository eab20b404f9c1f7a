#!/usr/bin/env bash
# Boot hello from a GRUB rescue ISO (make iso): GRUB's multiboot loader, module, exit code.
source "$(dirname "$0")/../lib.sh"
command -v grub-mkrescue >/dev/null || skip "grub-mkrescue not installed"
scripts/make-iso build/hello.elf "$TMP/hello.iso" 'file=greeting.txt exit=4 -- from grub' \
    tests/data/greeting.txt || fail "make-iso failed"
boot_qemu "$TMP/c.log" 120 -cdrom "$TMP/hello.iso" -nic none
expect "$TMP/c.log" '^argc=3 argv\[0\]=hello argv\[1\]=from argv\[2\]=grub' "argv through GRUB"
expect "$TMP/c.log" '^file greeting.txt: 49 bytes' "module through GRUB"
[ "$EXIT" = 4 ] || fail "exit code $EXIT, expected 4"
