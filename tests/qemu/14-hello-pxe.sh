#!/usr/bin/env bash
# PXE: QEMU's e1000 with its iPXE ROM gets DHCP and TFTP from QEMU's user-mode network
# (nothing leaves the QEMU process), runs an iPXE script that loads hello and a module.
source "$(dirname "$0")/../lib.sh"
[ -e /usr/lib/ipxe/qemu/efi-e1000.rom ] || [ -e /usr/share/qemu/efi-e1000.rom ] || skip "no e1000 option ROM (ipxe-qemu)"
tftp=$TMP/tftp
mkdir -p "$tftp"
cp build/hello.elf tests/data/greeting.txt "$tftp/"
cat >"$tftp/boot.ipxe" <<'IPXE'
#!ipxe
kernel tftp://${next-server}/hello.elf file=greeting.txt exit=5 -- via pxe
module tftp://${next-server}/greeting.txt greeting.txt
boot
IPXE
boot_qemu "$TMP/c.log" 180 -boot n \
    -netdev "user,id=n0,tftp=$tftp,bootfile=boot.ipxe,restrict=on" -device e1000,netdev=n0
expect "$TMP/c.log" '^argc=3 argv\[0\]=hello argv\[1\]=via argv\[2\]=pxe' "argv through iPXE"
expect "$TMP/c.log" '^file greeting.txt: 49 bytes' "module through iPXE"
[ "$EXIT" = 5 ] || fail "exit code $EXIT, expected 5"
