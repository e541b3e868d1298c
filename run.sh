#!/usr/bin/env bash
# Sets everything up, then runs the main job on the embedded defaults (no broker or camera needed):
# for now, import the default model bundle and print what was imported.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
