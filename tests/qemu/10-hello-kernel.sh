#!/usr/bin/env bash
# Boot build/hello.elf with qemu -kernel: argv, math, malloc, a module read as a file, the
# exit code, and the boot time line.
source "$(dirname "$0")/../lib.sh"
[ -f build/hello.elf ] || fail "build/hello.elf missing (run make)"
boot_qemu "$TMP/c.log" 60 -kernel build/hello.elf -initrd tests/data/greeting.txt \
    -append 'file=greeting.txt exit=3 -- alpha "two words" 42' -nic none
expect "$TMP/c.log" '^argc=4 argv\[0\]=hello argv\[1\]=alpha argv\[2\]=two words argv\[3\]=42' "argv passed through"
expect "$TMP/c.log" 'math: sqrt\(6\*sum 1/k\^2\)=3\.14158[0-9] exp\(1\)=2\.718281828 atan2\(1,1\)\*4=3\.141592654' "double math"
expect "$TMP/c.log" '^malloc: 5592400 bytes in 10 blocks ok' "malloc"
expect "$TMP/c.log" '^file greeting.txt: Porto reads multiboot modules as files\.' "module contents"
expect "$TMP/c.log" '^file greeting.txt: 49 bytes' "module size"
expect "$TMP/c.log" '^boot: kernel entry to main in [0-9]+\.[0-9]{3} ms' "boot time printed"
expect "$TMP/c.log" '^tsc: [0-9]+\.[0-9]+ MHz, calibrated by ' "TSC calibration method printed"
[ "$EXIT" = 3 ] || fail "exit code $EXIT, expected 3"
ms=$(sed -n 's/^boot: kernel entry to main in \([0-9]*\)\..*/\1/p' "$TMP/c.log")
# Printed for the record, not a pass criterion: TCG on a shared host makes times vary.
echo "boot time: ${ms} ms (measured, not checked)"
