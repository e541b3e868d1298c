#!/usr/bin/env bash
# Sets everything up, then runs the main job on the embedded defaults — no broker or camera needed:
# the daemon starts its own MQTT broker on 127.0.0.1, plays the bundle's sample photos as a camera
# (each photo "stands at the kiosk" for 4 s), and prints every event it publishes as it comes back
# from the broker: enter, update and exit per person, with fused attributes, pose and quality.
# FACEATTR_DEMO_SECONDS (default 40) bounds the demo; 0 runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
seconds="${FACEATTR_DEMO_SECONDS:-40}"
frames=$(( seconds * 5 ))
exec dotnet src/FaceAttr.Daemon/bin/Debug/net10.0/faceattrd.dll --FaceAttr:DeviceId=demo-kiosk --FaceAttr:Fps=5 \
  --FaceAttr:MaxFrames="$frames" --FaceAttr:StatsIntervalSeconds=10 "$@"
