#!/usr/bin/env bash
# Publishes faceattrd self-contained for one Linux architecture and prints a size report.
#   tools/packaging/publish.sh [linux-arm64|linux-x64] [OUTPUT]   -> OUTPUT (default artifacts/publish/<rid>/)
# Trimmed single file (the .NET runtime and the managed code the daemon reaches, in one executable) with ONNX
# Runtime's native libraries beside it, invariant globalization (no ICU on the board), no debug symbols or XML docs. Only Linux native libraries
# of the target architecture are kept: the ONNX Runtime package also carries Windows/macOS binaries.
set -euo pipefail
cd "$(dirname "$0")/../.."
rid="${1:-linux-arm64}"
case "$rid" in linux-arm64|linux-x64) ;; *) echo "publish.sh: unsupported runtime '$rid' (linux-arm64, linux-x64)" >&2; exit 2 ;; esac
out="${2:-artifacts/publish/$rid}"
rm -rf "$out"
dotnet publish src/FaceAttr.Daemon -c Release -r "$rid" --self-contained \
  -p:PublishSingleFile=true -p:PublishTrimmed=true -p:IncludeNativeLibrariesForSelfExtract=false \
  -p:InvariantGlobalization=true -p:DebugType=none -p:GenerateDocumentationFile=false \
  --nologo -v quiet -o "$out"

# Anything that is not a Linux ELF for this architecture does not belong on the board.
want=$([ "$rid" = linux-arm64 ] && echo "ARM aarch64" || echo "x86-64")
while IFS= read -r -d '' f; do
  case "$(file -b "$f")" in
    *ELF*"$want"*) ;;
    *ELF*) echo "publish.sh: removing $(basename "$f"): wrong architecture" >&2; rm -f "$f" ;;
    *PE32*|*Mach-O*) echo "publish.sh: removing $(basename "$f"): not a Linux binary" >&2; rm -f "$f" ;;
    *) ;;
  esac
done < <(find "$out" -type f -print0)

echo "faceattrd $rid -> $out"
find "$out" -type f -printf '%s\t%p\n' | sort -rn | awk -F'\t' '{ printf "  %8.1f MB  %s\n", $1/1048576, $2; total += $1 } END { printf "  %8.1f MB  total\n", total/1048576 }'
