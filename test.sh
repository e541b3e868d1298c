#!/usr/bin/env bash
# Sets everything up (idempotent), then runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
# The emulated arm64 smoke test runs the linux-arm64 publish of the daemon under qemu-aarch64-static.
tools/packaging/publish.sh linux-arm64 >/dev/null
tools/packaging/arm64-root.sh
rm -f artifacts/parity.txt
dotnet test FaceAttr.sln --no-build --nologo
