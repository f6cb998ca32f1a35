#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Boot Debian's own kernel under QEMU with the kernel's sample mdev drivers
# (mtty, mdpy, mdpy-fb, mbochs) and run one script as root inside it.
#
# Usage: run-vm.sh [-t SECONDS] [-d RUNDIR] [-b HOSTDIR]... [-e NAME=VALUE]...
#                  GUEST_SCRIPT [ARGS...]
#
#   -t SECONDS    host-side limit for the whole boot (default 600), scaled by
#                 the speed factor the guest measures; the guest script gets a
#                 shorter one so the exit marker still gets out
#   -d RUNDIR     where console.log and out/ go (default: a new temporary dir)
#   -b HOSTDIR    make this host directory visible, read-only, at the same path
#                 in the guest (for build trees below /tmp, /run, ...)
#   -e NAME=VALUE environment variable for the guest script
#   -S            prepare the cache only, do not boot
#
# The guest sees the host's root read-only under a tmpfs overlay, with fresh
# tmpfs on /tmp, /run and /etc/mdevctl.d; the pristine host root is at
# /run/vm/host and the output directory at $VM_OUT.  Everything written in the
# guest is thrown away, except in $VM_OUT (RUNDIR/out on the host).
#
# Exit status: the guest script's; 124 the host-side time limit was hit; 125 no
# exit marker (kernel panic, crash); 2 setup or usage error.
#
# Environment: MDEVTOOL_VM_CACHE (default /var/tmp/mdevtool-vm),
# MDEVTOOL_VM_KVER (kernel ABI, default: the one linux-image-amd64 points to),
# MDEVTOOL_VM_MEM (MiB, 1024), MDEVTOOL_VM_SMP (2), MDEVTOOL_VM_ACCEL (tcg),
# MDEVTOOL_VM_MODULES (extra modules), MDEVTOOL_VM_APPEND (extra kernel args),
# MDEVTOOL_VM_IOMMU (1: a virtual IOMMU, for VFIO on the nvvf VFs),
# MDEVTOOL_VM_SCALE (speed factor, instead of the guest's measurement).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${MDEVTOOL_VM_CACHE:-/var/tmp/mdevtool-vm}
mem=${MDEVTOOL_VM_MEM:-1024}
smp=${MDEVTOOL_VM_SMP:-2}
accel=${MDEVTOOL_VM_ACCEL:-tcg}
limit=600
rundir=
setup_only=0
binds=()
guest_env=()

# Modules the guest needs, in addition to what they depend on.
modules="virtio_pci 9pnet_virtio 9p overlay vfio vfio_iommu_type1 mdev
         mtty mdpy mdpy-fb mbochs nvvf ${MDEVTOOL_VM_MODULES:-}"
samples="mtty mdpy mdpy-fb mbochs"

log() { printf '=== run-vm: %s ===\n' "$*" >&2; }
die() { printf 'run-vm: error: %s\n' "$*" >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

usage() {
    sed -n '/^# Usage:/,/^# *-S/s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

while getopts "t:d:b:e:Sh" opt; do
    case $opt in
    t) limit=$OPTARG ;;
    d) rundir=$OPTARG ;;
    b) binds+=("$(cd "$OPTARG" && pwd)") || die "no directory $OPTARG" ;;
    e) [[ $OPTARG == [A-Za-z_]*=* ]] || die "-e wants NAME=VALUE"
       guest_env+=("$OPTARG") ;;
    S) setup_only=1 ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[[ $limit =~ ^[0-9]+$ ]] && [ "$limit" -ge 30 ] || die "-t wants a number of seconds (>= 30)"
scale_fixed=${MDEVTOOL_VM_SCALE:-}
[ -z "$scale_fixed" ] || [[ $scale_fixed =~ ^[1-9][0-9]?(\.[0-9])?$ ]] ||
    die "MDEVTOOL_VM_SCALE wants a factor from 1 to 99.9 with at most one decimal"
if [ "$setup_only" = 0 ]; then
    [ $# -ge 1 ] || usage
    script=$1
    shift
    [ -f "$script" ] || die "no guest script $script"
fi
[ "$(id -u)" = 0 ] || die "must run as root (apt, depmod, qemu's 9p export of /)"

# ------------------------------------------------------------------- setup
t_setup=$(now)
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

# Install what is missing; refresh the package lists only when needed.
apt_updated=0
apt_install() {
    local missing="" p st
    for p in "$@"; do
        st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
        [ "$st" = installed ] || missing="$missing $p"
    done
    [ -n "$missing" ] || return 0
    log "installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! apt-get install -y -qq --no-install-recommends $missing >&2; then
        [ "$apt_updated" = 0 ] || return 1
        apt-get update -qq >&2 && apt_updated=1
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >&2
    fi
}

# Download one package into the cache's deb directory; echo the file name.
apt_download() {
    local spec=$1
    mkdir -p "$cache/debs"
    rm -f "$cache/debs/"*.deb
    (cd "$cache/debs" && apt-get download -qq -o APT::Sandbox::User=root "$spec" >&2) ||
        { [ "$apt_updated" = 0 ] && apt-get update -qq >&2 && apt_updated=1 &&
          (cd "$cache/debs" && apt-get download -qq -o APT::Sandbox::User=root "$spec" >&2); } ||
        return 1
    ls "$cache/debs/"*.deb
}

apt_install qemu-system-x86 busybox-static cpio kmod xz-utils binutils make gcc

# The kernel ABI: the one Debian's linux-image-amd64 currently points to (not
# uname -r, which is whatever kernel runs the host or container), and the
# archive's version of that image.  apt-cache takes seconds, so its answers are
# kept in the cache until the package lists change; with no lists at all the
# last answers are used.
apt_query() {
    kver=$(apt-cache depends linux-image-amd64 2>/dev/null |
           sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n1)
    want_image=
    [ -z "$kver" ] ||
        want_image=$(apt-cache policy "linux-image-$kver" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [ "$want_image" != "(none)" ] || want_image=
}
answers=$cache/apt-answers
kver=
want_image=
if [ -f "$answers" ] && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -newer "$answers" -print -quit 2>/dev/null)" ]; then
    read -r kver want_image <"$answers" || true
fi
if [ -z "$kver" ]; then
    apt_query
    if [ -z "$kver" ] && [ ! -f "$answers" ]; then
        apt-get update -qq >&2 && apt_updated=1
        apt_query
    fi
    if [ -n "$kver" ]; then
        echo "$kver $want_image" >"$answers"
    elif [ -f "$answers" ]; then
        read -r kver want_image <"$answers" || true
    fi
fi
if [ -n "${MDEVTOOL_VM_KVER:-}" ] && [ "$MDEVTOOL_VM_KVER" != "$kver" ]; then
    kver=$MDEVTOOL_VM_KVER
    want_image=$(apt-cache policy "linux-image-$kver" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [ "$want_image" != "(none)" ] || want_image=
fi
[[ $kver =~ ^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64$ ]] || die "cannot determine the kernel ABI (got '$kver')"
kseries=$(echo "$kver" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')

apt_install "linux-headers-$kver"
hdrdir=/usr/src/linux-headers-$kver
[ -d "$hdrdir" ] || die "$hdrdir missing after installing linux-headers-$kver"
hdrver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver")

# Kernel image, unpacked (not installed).  Refetched when the archive has a
# newer build of the same ABI.
kroot=$cache/kernel-$kver
have_image=$(cat "$kroot/.version" 2>/dev/null || true)
if [ -z "$have_image" ] || { [ -n "$want_image" ] && [ "$want_image" != "$have_image" ]; }; then
    t=$(now)
    log "fetching linux-image-$kver ${want_image}"
    deb=$(apt_download "linux-image-$kver") || die "cannot download linux-image-$kver"
    have_image=$(dpkg-deb -f "$deb" Version)
    rm -rf "$kroot" "$kroot.tmp" "$cache"/kernel-*
    dpkg-deb -x "$deb" "$kroot.tmp"
    echo "$have_image" >"$kroot.tmp/.version"
    mv "$kroot.tmp" "$kroot"
    rm -f "$deb"
    log "linux-image-$kver $have_image unpacked in $(since "$t") s"
fi
vmlinuz=$kroot/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "no $vmlinuz in the unpacked image"

# Only samples/vfio-mdev of the same kernel source version.
srcdir=$cache/src-$have_image
if [ ! -d "$srcdir" ]; then
    t=$(now)
    log "fetching linux-source-$kseries $have_image"
    deb=$(apt_download "linux-source-$kseries=$have_image") ||
        deb=$(apt_download "linux-source-$kseries") ||
        die "cannot download linux-source-$kseries"
    rm -rf "$cache"/src-*
    mkdir -p "$srcdir.tmp"
    dpkg-deb --fsys-tarfile "$deb" |
        tar -xO "./usr/src/linux-source-$kseries.tar.xz" |
        tar -xJ -C "$srcdir.tmp" --strip-components=1 \
            --wildcards "linux-source-$kseries/samples/vfio-mdev/*"
    [ -f "$srcdir.tmp/samples/vfio-mdev/mtty.c" ] || die "no samples/vfio-mdev in linux-source"
    dpkg-deb -f "$deb" Version >"$srcdir.tmp/.version"
    mv "$srcdir.tmp" "$srcdir"
    rm -f "$deb"
    log "samples/vfio-mdev extracted in $(since "$t") s"
fi

# Out-of-tree build of the samples against the headers of the same ABI.
builddir=$cache/build-$kver
stamp="headers $hdrver source $(cat "$srcdir/.version")"
if [ "$(cat "$builddir/.stamp" 2>/dev/null || true)" != "$stamp" ]; then
    t=$(now)
    log "building the sample drivers ($stamp)"
    rm -rf "$cache"/build-*
    mkdir -p "$builddir.tmp"
    cp "$srcdir/samples/vfio-mdev/"* "$builddir.tmp/"
    make -s -C "$hdrdir" M="$builddir.tmp" -j"$(nproc)" \
        CONFIG_SAMPLE_VFIO_MDEV_MTTY=m CONFIG_SAMPLE_VFIO_MDEV_MDPY=m \
        CONFIG_SAMPLE_VFIO_MDEV_MDPY_FB=m CONFIG_SAMPLE_VFIO_MDEV_MBOCHS=m \
        modules >&2 || die "building the sample drivers failed"
    for m in $samples; do
        [ -f "$builddir.tmp/$m.ko" ] || die "$m.ko was not built"
    done
    echo "$stamp" >"$builddir.tmp/.stamp"
    mv "$builddir.tmp" "$builddir"
    log "sample drivers built in $(since "$t") s"
fi

# Our own test driver (nvvf/): NVIDIA's VF vGPU files on the VFs of QEMU's
# SR-IOV NVMe controller.  Rebuilt when its sources or the headers change.
nvvfdir=$cache/nvvf-$kver
nvvf_stamp="headers $hdrver nvvf $(cat "$here/nvvf/Kbuild" "$here/nvvf/nvvf.c" | sha256sum | cut -c1-16)"
if [ "$(cat "$nvvfdir/.stamp" 2>/dev/null || true)" != "$nvvf_stamp" ]; then
    t=$(now)
    log "building the nvvf test driver ($nvvf_stamp)"
    rm -rf "$cache"/nvvf-*
    mkdir -p "$nvvfdir.tmp"
    cp "$here/nvvf/Kbuild" "$here/nvvf/nvvf.c" "$nvvfdir.tmp/"
    make -s -C "$hdrdir" M="$nvvfdir.tmp" -j"$(nproc)" modules >&2 ||
        die "building the nvvf test driver failed"
    [ -f "$nvvfdir.tmp/nvvf.ko" ] || die "nvvf.ko was not built"
    echo "$nvvf_stamp" >"$nvvfdir.tmp/.stamp"
    mv "$nvvfdir.tmp" "$nvvfdir"
    log "nvvf test driver built in $(since "$t") s"
fi

# Module tree with the samples and nvvf, and the load order.
moddir=$kroot/lib/modules/$kver
if ! { cat "$builddir/.stamp" "$nvvfdir/.stamp"; } | cmp -s - "$moddir/extra/.stamp" 2>/dev/null; then
    mkdir -p "$moddir/extra"
    for m in $samples; do cp "$builddir/$m.ko" "$moddir/extra/"; done
    cp "$nvvfdir/nvvf.ko" "$moddir/extra/"
    depmod -b "$kroot" "$kver"
    cat "$builddir/.stamp" "$nvvfdir/.stamp" >"$moddir/extra/.stamp"
fi
loadlist=$(for m in $modules; do
               modprobe -d "$kroot" -S "$kver" --show-depends "$m" ||
                   die "module $m not found for $kver"
           done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
           sed "s|^$kroot/lib/modules/$kver/||")
bbver=$(dpkg-query -W -f='${Version}' busybox-static)
key=$( { echo "$kver $have_image $stamp $nvvf_stamp $bbver"; echo "$loadlist"; } | sha256sum | cut -c1-16)
base=$cache/base-$key.cpio.gz
if [ ! -f "$base" ]; then
    t=$(now)
    stage=$(mktemp -d "$cache/stage.XXXXXX")
    mkdir -p "$stage/lib/modules/$kver" "$stage"/{bin,sbin,dev,proc,sys,lower,rw,newroot}
    for f in $loadlist; do
        mkdir -p "$stage/lib/modules/$kver/$(dirname "$f")"
        cp "$moddir/$f" "$stage/lib/modules/$kver/$f"
    done
    cp "$moddir"/modules.builtin* "$moddir/modules.order" "$stage/lib/modules/$kver/"
    depmod -b "$stage" "$kver"
    echo "$loadlist" >"$stage/lib/modules/$kver/modules.load"
    cp /bin/busybox "$stage/bin/busybox"
    rm -f "$cache"/base-*.cpio.gz
    (cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$base.tmp"
    mv "$base.tmp" "$base"
    rm -rf "$stage"
    log "base initramfs ($(echo "$loadlist" | wc -l) modules) built in $(since "$t") s"
fi
log "setup done in $(since "$t_setup") s (kernel $kver, image $have_image)"

# Setup is over: keep a shared lock so that nobody rebuilds the cache under a
# running guest, while other runs can boot at the same time.
flock -s 9
[ "$setup_only" = 0 ] || exit 0

# --------------------------------------------------------------------- run
if [ -z "$rundir" ]; then
    rundir=$(mktemp -d "${TMPDIR:-/tmp}/mdevtool-vm.XXXXXX")
fi
mkdir -p "$rundir"
rundir=$(cd "$rundir" && pwd)
rm -rf "$rundir/out" "$rundir/console.log" "$rundir/initrd.img" "$rundir/run"
mkdir -p "$rundir/out" "$rundir/run"

# The guest script gets a shorter limit than QEMU so its exit marker gets out;
# the boot alone takes 3-15 s under TCG, depending on the host's load.
if [ "$limit" -le 90 ]; then
    guest_limit=$((limit / 2))
else
    guest_limit=$((limit - 40))
fi

r=$rundir/run
cp "$here/vm-init" "$r/init"
cp "$here/vm-stage2" "$r/stage2"
cp "$script" "$r/guest-script"
chmod 0755 "$r/init" "$r/stage2" "$r/guest-script"
{
    printf 'VM_KVER=%q\n' "$kver"
    printf 'VM_GUEST_LIMIT=%q\n' "$guest_limit"
    printf 'VM_BINDS=%q\n' "${binds[*]:-}"
    printf 'VM_SCALE_FIXED=%q\n' "$scale_fixed"
} >"$r/vm.conf"
{
    printf 'exec /bin/bash /tmp/guest-script'
    for a in "$@"; do printf ' %q' "$a"; done
    printf '\n'
} >"$r/guest-args"
for e in "${guest_env[@]:+${guest_env[@]}}"; do
    printf 'export %q\n' "$e"
done >"$r/guest-env"
(cd "$r" && find init stage2 guest-script vm.conf guest-args guest-env |
     cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$rundir/run.cpio.gz"
cat "$base" "$rundir/run.cpio.gz" >"$rundir/initrd.img"
rm -rf "$r" "$rundir/run.cpio.gz"

log "booting $kver ($accel, ${mem} MiB, $smp vCPUs), limit ${limit} s, guest ${guest_limit} s (both times the guest's speed factor)"
# The limit applies to the boot as it is; once the guest has written its
# speed factor to out/vm-scale, the limit is that many times longer, as the
# guest's own limits are.  A watchdog enforces it, since it is known only
# after QEMU has started.
t_boot=$(now)
# no_timer_check: on a starved host the kernel's check that the IO-APIC
# timer ticks can fail ("IO-APIC + timer doesn't work!") and panic the boot.
cmdline="console=ttyS0 quiet panic=-1 no_timer_check ${MDEVTOOL_VM_APPEND:-}"
# The SR-IOV NVMe controller whose functions nvvf takes (q35: SR-IOV needs
# PCIe extended configuration space, and the nvme-subsys device).
# Without ARI the VFs follow the PF function by function: at slot 0x10 the
# 8 VFs take 00:10.1 to 00:11.0, clear of the slots QEMU fills from 1 up.
nvme_vfs=8
# MDEVTOOL_VM_IOMMU=1 adds a virtual IOMMU, so that the VFs get IOMMU groups
# and nvvf can make them VFIO devices.  Not by default: every PCI device then
# takes an IOMMU group at boot, and the mdevs' groups no longer start at 0.
iommu_args=()
if [ "${MDEVTOOL_VM_IOMMU:-0}" = 1 ]; then
    iommu_args=(-device intel-iommu)
    cmdline="$cmdline intel_iommu=on"
fi
rm -f "$rundir/qemu.pid" "$rundir/timed-out"
watchdog() {
    local start=$SECONDS scale=1.0 s10 allowed pid
    while sleep 2; do
        read -r scale 2>/dev/null <"$rundir/out/vm-scale" || scale=1.0
        [[ $scale =~ ^([0-9]+)\.([0-9])$ ]] || scale=1.0
        s10=$((${scale%.*} * 10 + ${scale#*.}))
        allowed=$((limit * s10 / 10))
        [ $((SECONDS - start)) -ge "$allowed" ] || continue
        echo "$allowed $scale" >"$rundir/timed-out"
        pid=$(cat "$rundir/qemu.pid" 2>/dev/null) || return 0
        kill "$pid" 2>/dev/null
        sleep 10
        kill -9 "$pid" 2>/dev/null
        return 0
    done
}
# Its sleeps must not hold the output pipe open after it has been killed.
watchdog </dev/null >/dev/null 2>&1 &
watchdog_pid=$!
set +e
# The outer timeout only guards against a watchdog that failed itself.
timeout -k 10 $((limit * 100)) qemu-system-x86_64 \
    -accel "$accel" -machine q35 -m "$mem" -smp "$smp" -nodefaults -display none -no-reboot \
    -pidfile "$rundir/qemu.pid" \
    -serial stdio -kernel "$vmlinuz" -initrd "$rundir/initrd.img" \
    -append "$cmdline" \
    "${iommu_args[@]}" \
    -device nvme-subsys,id=nvsubsys \
    -device "nvme,id=nvme0,addr=0x10,serial=nvvf0,subsys=nvsubsys,sriov_max_vfs=$nvme_vfs,sriov_vq_flexible=$((nvme_vfs * 2)),sriov_vi_flexible=$nvme_vfs" \
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev "local,id=out,path=$rundir/out,security_model=none,multidevs=remap" \
    -device virtio-9p-pci,fsdev=out,mount_tag=out \
    </dev/null 2>&1 | sed -u 's/\r//g' | tee "$rundir/console.log"
qemu_rc=${PIPESTATUS[0]}
kill "$watchdog_pid" 2>/dev/null
wait "$watchdog_pid" 2>/dev/null
set -e
rm -f "$rundir/initrd.img" "$rundir/qemu.pid"

marker=$(sed -n 's/^=== VM-GUEST-EXIT rc=\([0-9]*\) ===$/\1/p' "$rundir/console.log" | tail -n1)
if [ -n "$marker" ]; then
    rc=$marker
elif [ -f "$rundir/timed-out" ] || [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
    read -r allowed scale 2>/dev/null <"$rundir/timed-out" || { allowed=$((limit * 100)); scale=100; }
    log "time limit of $allowed s ($limit s x speed factor $scale) hit, QEMU killed"
    log "the guest's last line: $(grep -v -e '^[[:space:]]*$' -e '^qemu-system' "$rundir/console.log" | tail -n1)"
    rc=124
else
    log "no exit marker from the guest (QEMU exit status $qemu_rc)"
    rc=125
fi
log "guest exit status $rc after $(since "$t_boot") s; console log and out/ in $rundir"
exit "$rc"
