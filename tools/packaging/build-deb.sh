#!/usr/bin/env bash
# Builds the faceattr .deb for one architecture from the self-contained publish:
#   tools/packaging/build-deb.sh [arm64|amd64]   -> artifacts/deb/faceattr_<version>_<arch>.deb
# Layout: /usr/lib/faceattr (daemon + ONNX Runtime), /usr/share/faceattr/{profiles,models/default} (board profiles,
# factory model bundle), /etc/faceattr/faceattrd.json (conffile), the systemd unit, and /var/lib/faceattr (state, made
# by postinst and the unit's StateDirectory). Needs dpkg-deb (Debian's dpkg) and the model bundle (./setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
arch="${1:-arm64}"
case "$arch" in arm64) rid=linux-arm64 ;; amd64) rid=linux-x64 ;; *) echo "build-deb.sh: unsupported architecture '$arch' (arm64, amd64)" >&2; exit 2 ;; esac
bundle=artifacts/models/default
[ -f "$bundle/manifest.json" ] || { echo "build-deb.sh: no model bundle at $bundle; run ./setup.sh" >&2; exit 1; }
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# A private publish folder: the emulated smoke test may be running the one in artifacts/publish meanwhile.
tools/packaging/publish.sh "$rid" "$stage/publish" >/dev/null
pkg="$stage/faceattr"
install -d "$pkg/DEBIAN" "$pkg/usr/lib/faceattr" "$pkg/usr/share/faceattr/profiles" "$pkg/usr/share/faceattr/models" \
  "$pkg/etc/faceattr" "$pkg/lib/systemd/system" "$pkg/usr/share/doc/faceattr"
cp -a "$stage/publish/." "$pkg/usr/lib/faceattr/"
cp firmware-config/*.json "$pkg/usr/share/faceattr/profiles/"
cp -a "$bundle" "$pkg/usr/share/faceattr/models/default"
rm -rf "$pkg/usr/share/faceattr/models/default/samples" "$pkg/usr/share/faceattr/models/default/.recipe-sha256"
chmod 0755 "$pkg"/usr/lib/faceattr/*.so "$pkg/usr/lib/faceattr/faceattrd"
install -m 0644 tools/packaging/deb/faceattrd.json "$pkg/etc/faceattr/faceattrd.json"
install -m 0644 tools/packaging/deb/faceattrd.service "$pkg/lib/systemd/system/faceattrd.service"
install -m 0644 src/FaceAttr.Daemon/README.md "$pkg/usr/share/doc/faceattr/daemon.md"
install -m 0644 docs/deployment.md "$pkg/usr/share/doc/faceattr/README.md"
install -m 0755 tools/packaging/deb/postinst tools/packaging/deb/prerm tools/packaging/deb/postrm "$pkg/DEBIAN/"
echo /etc/faceattr/faceattrd.json > "$pkg/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: faceattr
Version: $version
Architecture: $arch
Maintainer: FaceAttr team <faceattr@example.invalid>
Installed-Size: $size
Depends: libc6 (>= 2.31), libstdc++6, libssl3 | libssl3t64, passwd
Recommends: ffmpeg, ca-certificates
Suggests: mosquitto-clients, v4l-utils
Section: video
Priority: optional
Homepage: https://example.invalid/faceattr
Description: face-attribute edge daemon for kiosks
 faceattrd reads a camera (V4L2, rpicam-vid, GStreamer nvarguscamerasrc, ffmpeg),
 finds faces, fits landmarks, runs ONNX attribute models, follows each person and
 publishes enter/update/exit events over MQTT. Self-contained .NET build; runs as
 the faceattr user under a sandboxed systemd unit with a watchdog.
CONTROL
out=artifacts/deb
mkdir -p "$out"
deb="$out/faceattr_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb: $(du -h "$deb" | cut -f1) (installed $((size / 1024)) MB)"
