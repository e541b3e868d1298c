#!/usr/bin/env bash
# Builds the private root qemu-aarch64-static needs to run the arm64 daemon on an x86-64 machine:
#   artifacts/arm64-root/lib/       the arm64 C/C++ runtime (Debian libc6-arm64-cross, libstdc++6-arm64-cross)
#                                   and OpenSSL 3 (libssl3:arm64, which .NET's SHA-256 and the MQTT client load)
#   artifacts/arm64-root/proc/cpuinfo  a Raspberry Pi 4's, because ONNX Runtime aborts parsing an x86 one
# Run it as: qemu-aarch64-static -L artifacts/arm64-root artifacts/publish/linux-arm64/faceattrd …
# (with DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1). Idempotent; fetching libssl3:arm64 needs root or sudo once
# (it enables the arm64 package architecture to download the .deb; nothing arm64 is installed on the host).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=artifacts/arm64-root
cross=/usr/aarch64-linux-gnu/lib
[ -e "$cross/ld-linux-aarch64.so.1" ] || { echo "arm64-root: $cross is missing: apt-get install libc6-arm64-cross libstdc++6-arm64-cross" >&2; exit 1; }
command -v qemu-aarch64-static >/dev/null || { echo "arm64-root: qemu-aarch64-static is missing: apt-get install qemu-user-static" >&2; exit 1; }
[ -e "$root/lib/libssl.so.3" ] && [ -s "$root/proc/cpuinfo" ] && exit 0

cache="${FACEATTR_CACHE:-$HOME/.cache/faceattr}/debs"
mkdir -p "$cache"
if ! ls "$cache"/libssl3_*_arm64.deb >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "arm64-root: libssl3:arm64 is needed once; run as root: dpkg --add-architecture arm64 && apt-get update && apt-get download libssl3:arm64" >&2
    exit 1
  fi
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    "${sudo[@]}" dpkg --add-architecture arm64
    "${sudo[@]}" apt-get update -qq
  fi
  (cd "$cache" && apt-get download -qq libssl3:arm64)
fi

rm -rf "$root" && mkdir -p "$root/lib" "$root/proc" "$root/ssl"
dpkg-deb -x "$(ls "$cache"/libssl3_*_arm64.deb | tail -1)" "$root/ssl"
for f in "$cross"/* "$root"/ssl/usr/lib/aarch64-linux-gnu/*.so*; do ln -s "$(readlink -f "$f")" "$root/lib/$(basename "$f")"; done
for i in 0 1 2 3; do
  printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n' "$i"
done > "$root/proc/cpuinfo"
printf 'Hardware\t: BCM2835\nRevision\t: c03111\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n' >> "$root/proc/cpuinfo"
echo "arm64-root: $root ready"
