#!/usr/bin/env bash
# Builds learnbot's release binaries: static (no cgo), the version stamped,
# for Linux, macOS and Windows on amd64 and arm64, into
# <out>/learnbot_<version>_<os>_<arch>[.exe] with <out>/SHA256SUMS.
#
#   scripts/release.sh                      # every target, version from git describe
#   scripts/release.sh v1.2.0               # every target as v1.2.0
#   scripts/release.sh -target linux/amd64  # one target
#   scripts/release.sh -out /tmp/rel        # elsewhere than dist/
#
# Check a download with: sha256sum -c SHA256SUMS --ignore-missing
set -euo pipefail

targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
out=dist
version=

usage() {
  echo "usage: $0 [-target os/arch] [-out dir] [version]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    -target|--target)
      [ $# -ge 2 ] || usage
      case " ${targets[*]} " in
        *" $2 "*) targets=("$2") ;;
        *) echo "$0: unknown target $2 (one of: ${targets[*]})" >&2; exit 2 ;;
      esac
      shift 2 ;;
    -out|--out)
      [ $# -ge 2 ] || usage
      out=$2
      shift 2 ;;
    -h|-help|--help) usage ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *)
      [ -z "$version" ] || usage
      version=$1
      shift ;;
  esac
done

cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
if [ -z "$version" ]; then
  version=$(git describe --tags --always --dirty)
fi
# The version is part of file names and of -ldflags.
if ! [[ "$version" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
  echo "$0: version $version: want letters, digits and . _ + - only" >&2
  exit 2
fi

if command -v sha256sum >/dev/null; then
  sha256() { sha256sum "$@"; }
else
  sha256() { shasum -a 256 "$@"; } # macOS
fi

mkdir -p "$out"
rm -f "$out/SHA256SUMS"
files=()
for target in "${targets[@]}"; do
  goos=${target%/*}
  goarch=${target#*/}
  name="learnbot_${version}_${goos}_${goarch}"
  [ "$goos" = windows ] && name+=.exe
  echo "building $name"
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
    go build -tags goolm -trimpath -ldflags "-s -w -X main.version=$version" -o "$out/$name" ./cmd/learnbot
  files+=("$name")
done
(cd "$out" && sha256 "${files[@]}" >SHA256SUMS)
echo "wrote $out/SHA256SUMS"
