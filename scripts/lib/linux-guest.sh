# scripts/lib/linux-guest.sh — what the Linux peers' scripts share (scripts/linux-peer,
# scripts/linux-mpi): the kernel, its modules in load order, the initramfs staging and the
# guest's QEMU command. Source it after setting ROOT, KERNEL (optional), and a `die` function.
#   lg_pick_kernel           sets KERNEL (newest /boot/vmlinuz-* with modules), KVER, MODDIR;
#                            exits 77 when no readable kernel exists
#   lg_add_module NAME       appends NAME's file (after its dependencies) to MODULES
#   lg_stage_base DIR INIT   busybox, the modules and INIT as /init into DIR
#   lg_copy_elf DIR FILE...  FILE (same path) and every shared library it needs into DIR
#   lg_pack DIR OUT          DIR as an uncompressed newc cpio archive OUT
#   lg_accel_args ACCEL      sets ACCEL_ARGS for tcg or kvm
#   lg_qemu K LOG INITRD APPEND TIMEOUT   runs guest K (background; PID appended to PIDS) on
#                            the cluster switch (scripts/lib/cluster-net.sh, already up)
MODULES=()
ACCEL_ARGS=()

lg_pick_kernel() {
    local candidate
    if [ -z "${KERNEL:-}" ]; then
        for candidate in $(printf '%s\n' /boot/vmlinuz-* | sort -rV); do
            [ -e "$candidate" ] || continue
            [ -z "${KERNEL:-}" ] && KERNEL=$candidate # the newest, if none has its modules
            if [ -d "/lib/modules/${candidate##*/vmlinuz-}" ]; then
                KERNEL=$candidate
                break
            fi
        done
        [ -n "${KERNEL:-}" ] || { echo "no /boot/vmlinuz-* (apt-get install linux-image-amd64)" >&2; exit 77; }
    fi
    [ -f "$KERNEL" ] || { echo "kernel '$KERNEL' does not exist" >&2; exit 77; }
    [ -r "$KERNEL" ] || { echo "cannot read '$KERNEL' (Debian installs it root-only: run as root)" >&2; exit 77; }
    KVER=${KERNEL##*/vmlinuz-}
    MODDIR=/lib/modules/$KVER
    [ -d "$MODDIR" ] || die "no $MODDIR for kernel $KERNEL: its modules package is not installed"
}

# Modules in load order: dependencies (modinfo's depends=) before their users, each once.
lg_add_module() {
    local name=$1 dep file
    for file in "${MODULES[@]+"${MODULES[@]}"}"; do
        [ "$(basename "${file%%.ko*}")" = "$name" ] && return 0
    done
    file=$(modinfo -k "$KVER" -n "$name" 2>/dev/null) || die "module '$name' not found for kernel $KVER"
    case $file in /*) ;; *) die "'$name' is built into kernel $KVER, not a module ($file)" ;; esac
    for dep in $(modinfo -k "$KVER" -F depends "$name" | tr ',' ' '); do
        lg_add_module "$dep"
    done
    MODULES+=("$file")
}

lg_stage_base() {
    local stage=$1 init=$2 busybox file base
    busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
    # The initramfs's own tools need no shared library: a dynamic busybox cannot run early.
    [[ $(readelf -l "$busybox" 2>/dev/null) != *"program interpreter"* ]] ||
        die "$busybox is dynamically linked (apt-get install busybox-static)"
    mkdir -p "$stage"/{bin,dev,proc,sys,tmp,etc,lib/modules}
    cp "$busybox" "$stage/bin/busybox"
    install -m 0755 "$init" "$stage/init"
    : >"$stage/lib/modules/load-order"
    for file in "${MODULES[@]}"; do
        base=$(basename "$file")
        # Compressed modules are unpacked here so busybox's insmod needs no decompressor.
        case $base in
        *.ko.xz) xz -dc "$file" >"$stage/lib/modules/${base%.xz}" ;;
        *.ko.zst) zstd -qdc "$file" >"$stage/lib/modules/${base%.zst}" ;;
        *.ko.gz) gzip -dc "$file" >"$stage/lib/modules/${base%.gz}" ;;
        *.ko) cp "$file" "$stage/lib/modules/$base" ;;
        *) die "unexpected module file '$file'" ;;
        esac || die "cannot unpack $file"
        base=${base%.xz}
        base=${base%.zst}
        echo "${base%.gz}" >>"$stage/lib/modules/load-order"
    done
}

# The dynamic loader and libraries keep their paths, so the binaries run unchanged.
lg_copy_elf() {
    local stage=$1 file lib
    shift
    for file in "$@"; do
        mkdir -p "$stage$(dirname "$file")"
        cp -L "$file" "$stage$file"
        for lib in $(ldd "$file" | awk '/=> \//{ print $3 } /^\t\/lib/{ print $1 }'); do
            [ -e "$stage$lib" ] && continue
            mkdir -p "$stage$(dirname "$lib")"
            cp -L "$lib" "$stage$lib"
        done
    done
}

lg_pack() {
    # Uncompressed: under TCG unpacking a compressed archive costs more than reading it.
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$2" ||
        die "cpio failed"
}

lg_accel_args() {
    case $1 in
    tcg) ACCEL_ARGS=(-accel tcg) ;;
    kvm)
        [ -r /dev/kvm ] && [ -w /dev/kvm ] || die "--accel kvm: /dev/kvm is missing or not accessible"
        # arch-capabilities off: some nested hypervisors abort on MSR 0x10a (platform-facts.md).
        ACCEL_ARGS=(-accel kvm -cpu "host,-arch-capabilities")
        ;;
    *) die "accelerator '$1': tcg or kvm" ;;
    esac
}

# Porto's machine options, the e1000 with node K's MAC and no option ROM, the console on the
# serial port into LOG; `timeout` bounds every guest. Inline rather than through cnet_exec: a
# shell function in the background would leave a subshell between $! and the guest, and
# killing the subshell would not stop the guest.
lg_qemu() {
    local k=$1 log=$2 initrd=$3 append=$4 timeout=$5 in_switch=()
    [ -n "$CNET_NS" ] && in_switch=(ip netns exec "$CNET_NS")
    "${in_switch[@]}" timeout -k 5 "$timeout" qemu-system-x86_64 "${ACCEL_ARGS[@]}" -m 512M \
        -display none -no-reboot -monitor none -serial "file:$log" \
        -kernel "$KERNEL" -initrd "$initrd" -append "$append" \
        -netdev "$(cnet_netdev "$k")" \
        -device "e1000,netdev=net0,mac=52:54:00:60:00:$(printf %02x $((k + 1))),romfile=" &
    PIDS+=($!)
}
