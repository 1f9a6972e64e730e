#!/usr/bin/env bash
# npm run test:vm: fbt on Debian's stock 6.1 kernel (fentry, kprobes; no kprobe_multi), then fbt::: on
# Debian's 6.12 from bookworm-backports (kprobe_multi), each under qemu with the VM tooling in $DTSH_VM.
set -euo pipefail
cd "$(dirname "$0")/../.."
vm=${DTSH_VM:-../shared/vm}
mkdir -p dist/test/vm
gcc -O2 -o dist/test/vm/trigger test/fixtures/trigger.c
"$vm/run-in-vm" -t 280 -- node test/run.js dist/test/vm
if ! k=$(test/vm/kernel-6.12.sh "$vm"); then
  echo "test:vm: could not fetch and pack Debian's 6.12 kernel (deb.debian.org unreachable?): the kprobe_multi run is skipped" >&2
  exit 0
fi
read -r kernel initrd <<<"$k"
"$vm/run-in-vm" -t 280 --kernel "$kernel" --initrd "$initrd" -- node test/run.js dist/test/vm/mass.test.js
