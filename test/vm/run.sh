#!/usr/bin/env bash
# npm run test:vm: fbt on Debian's stock 6.1 kernel (fentry, kprobes; no kprobe_multi), then fbt::: on
# Debian's 6.12 from bookworm-backports (kprobe_multi), each under qemu with the VM tooling in $DTSH_VM.
set -euo pipefail
cd "$(dirname "$0")/../.."
vm=${DTSH_VM:-../shared/vm}
mkdir -p dist/test/vm
gcc -O2 -o dist/test/vm/trigger test/fixtures/trigger.c
"$vm/run-in-vm" -t 280 -- node test/run.js dist/test/vm
read -r kernel initrd < <(test/vm/kernel-6.12.sh "$vm")
"$vm/run-in-vm" -t 280 --kernel "$kernel" --initrd "$initrd" -- node test/run.js dist/test/vm/mass.test.js
