#!/bin/sh
# tests/tg3/check-old-driver.sh [COMMIT] — shows that the board rules can fail: builds the
# board test program (tests/tg3/test_tg3_board.c, the model and its harness, all from the
# work tree) against drivers/tg3.c as it was at COMMIT (default e625d59, the single-file
# driver before the board fixes) and runs it with TG3_BOARD_EXPECT_BROKEN=1: a case is OK
# when the model reported that case's own rule(s) broken (or frames were lost, for the two
# cases shown that way). With the current driver `make unit-test` runs the same program in
# the normal mode and every case passes with no violation. Host only, no QEMU.
set -eu
rev=${1:-e625d59}
out=build/old-driver
mkdir -p "$out"
mkdir -p "$out/drivers"
git show "$rev:drivers/tg3.c" >"$out/tg3_old.c"
git show "$rev:drivers/tg3.h" >"$out/drivers/tg3.h" # found first by the old tg3.c
cflags="-std=c11 -O1 -g -I. -Iinclude -D_DEFAULT_SOURCE -DPORTO_HOST=1 -msse4.2 -w"
objs=""
for src in "$out/tg3_old.c" tests/tg3/tg3_model.c tests/tg3/tg3_model_phy.c \
    tests/tg3/tg3_model_dma.c tests/tg3/tg3_model_board.c tests/tg3/tg3_model_inspect.c \
    tests/tg3/tg3_host.c \
    tests/tg3/tg3_fixture.c tests/tg3/test_tg3_board.c drivers/nic_common.c kernel/format.c; do
    obj="$out/$(basename "$src" .c).o"
    gcc $cflags -c "$src" -o "$obj"
    objs="$objs $obj"
done
gcc -o "$out/test_tg3_board_old" $objs -lcmocka
TG3_BOARD_EXPECT_BROKEN=1 "$out/test_tg3_board_old" >"$out/log" 2>&1 || true
echo "board rules against drivers/tg3.c at $rev (OK = the rule caught the old driver):"
grep -E '^board: |^  (rule|frames)|^\[ +(OK|FAILED) +\] [0-9]' "$out/log"
echo "full log: $out/log"
