#!/usr/bin/env bash
# Sets everything up (idempotent), then runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
rm -f artifacts/parity.txt
dotnet test FaceAttr.sln --no-build --nologo
