#!/usr/bin/env bash
# Sets everything up, then runs the main job on the embedded defaults (no broker or camera needed):
# import the default model bundle (printing what was imported), then analyze the bundle's sample
# photos — faces, landmarks, pose, eyes, mouth and attributes — writing annotated PNGs.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
dotnet run --project tools/FaceAttr.Tool --no-build -- analyze artifacts/models/default/samples \
  --format table --annotate artifacts/annotated
echo "annotated images: artifacts/annotated/"
