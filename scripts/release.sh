#!/usr/bin/env bash
# Builds the release binaries of spyglass into dist/ (gitignored): one static
# binary per target, named spyglass-<version>-<os>-<arch>[.exe], and
# SHA256SUMS. CI cross-compiles only two targets; this builds all six.
#   scripts/release.sh            version from `git describe`
#   scripts/release.sh v1.2.3     explicit version
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
export CGO_ENABLED=0
rm -rf dist && mkdir -p dist
for target in linux/amd64 linux/arm64 linux/386 darwin/arm64 darwin/amd64 windows/amd64; do
  os=${target%/*} arch=${target#*/}
  out="dist/spyglass-${version}-${os}-${arch}"
  [ "$os" = windows ] && out="$out.exe"
  # -trimpath: no build paths in the binary; -s -w: no symbol tables.
  GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w -X main.version=${version}" -o "$out" ./cmd/spyglass
  echo "built $out"
done
(cd dist && sha256sum spyglass-* > SHA256SUMS)
echo "dist/SHA256SUMS written"
