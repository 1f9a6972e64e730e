#!/usr/bin/env bash
# Fetches Debian's bookworm-backports 6.12 kernel (it has fprobe, so kprobe_multi) and builds a VM
# initramfs for it with the VM tooling's init; prints "KERNEL INITRD" for run-in-vm --kernel/--initrd.
# Usage: kernel-6.12.sh VM_TOOLING_DIR   (cached in $DTSH_VM_CACHE, default /var/cache/dtsh-vm)
set -euo pipefail
vm=$1
cache=${DTSH_VM_CACHE:-/var/cache/dtsh-vm}
mirror=http://deb.debian.org/debian
mkdir -p "$cache"
if [ ! -s "$cache/kver" ]; then
  # the newest 6.12 generic image in bookworm-backports (older ones leave the archive)
  file=$(curl -sf --max-time 120 "$mirror/dists/bookworm-backports/main/binary-amd64/Packages.xz" | xz -dc |
    awk '/^Package: linux-image-6\.12\.[0-9.]+\+deb12-amd64$/ { p = 1 } p && /^Filename:/ { print $2; p = 0 }' |
    sort -V | tail -1)
  [ -n "$file" ] || { echo "kernel-6.12.sh: no 6.12 kernel in bookworm-backports" >&2; exit 1; }
  rm -rf "$cache/root" && mkdir -p "$cache/root"
  curl -sf --max-time 600 -o "$cache/k.deb" "$mirror/$file"
  dpkg-deb -x "$cache/k.deb" "$cache/root"
  rm -f "$cache/k.deb"
  kver=$(ls "$cache/root/lib/modules")
  depmod -b "$cache/root" "$kver"
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,lib/modules,newroot,lower,rw,xfer,tmp}
  cp /bin/busybox "$stage/bin/busybox"
  for a in $("$stage/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$stage/bin/$a"; done
  cp "$vm/init" "$stage/init" && chmod 755 "$stage/init"
  : >"$stage/etc/vmlane-modules"
  for m in 9pnet_virtio 9p overlay virtio-rng; do
    modprobe -d "$cache/root" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
  done | awk '!seen[$0]++' | while read -r ko; do
    b=$(basename "$ko" .xz)
    xz -dc "$ko" >"$stage/lib/modules/$b"
    echo "$b" >>"$stage/etc/vmlane-modules"
  done
  (cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) >"$cache/initramfs.cpio"
  # the uncompressed kernel (the image's zstd payload), for qemu's direct (PVH) boot
  img="$cache/root/boot/vmlinuz-$kver"
  off=$(LC_ALL=C grep -obUaP '\x28\xB5\x2F\xFD' "$img" | head -1 | cut -d: -f1 || :)
  { tail -c +$((off + 1)) "$img" || :; } | { zstd -dcq 2>/dev/null || :; } >"$cache/vmlinux"
  [ "$(head -c4 "$cache/vmlinux" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] || cp "$img" "$cache/vmlinux"
  echo "$kver" >"$cache/kver"
fi
echo "$cache/vmlinux $cache/initramfs.cpio"
