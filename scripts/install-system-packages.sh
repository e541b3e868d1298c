#!/usr/bin/env bash
# Debian/Ubuntu packages the tests use: python3-onnx (the ONNX checker run with /usr/bin/python3),
# mosquitto (a real broker for the MQTT tests), ffmpeg (the pipe capture source), file (the publish
# script's architecture check), patchelf and g++ (the libtorch compatibility shim of training), and for the emulated arm64 smoke test qemu-user-static with the arm64
# C/C++ runtime (libc6-arm64-cross, libstdc++6-arm64-cross). Installs only what is missing; needs
# root or sudo for that.
set -euo pipefail

packages=(python3-onnx mosquitto mosquitto-clients ffmpeg file qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross patchelf g++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "setup: missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
