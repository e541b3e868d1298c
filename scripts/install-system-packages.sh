#!/usr/bin/env bash
# Debian/Ubuntu packages the tests use: python3-onnx (the ONNX checker run with /usr/bin/python3),
# mosquitto (a real broker for the MQTT tests) and ffmpeg (the pipe capture source).
# Later features add theirs here. Installs only what is missing; needs root or sudo for that.
set -euo pipefail

packages=(python3-onnx mosquitto mosquitto-clients ffmpeg)
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
