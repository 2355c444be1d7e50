#!/usr/bin/env bash
# Build the real-image MedIMeta test set from images shipped in Debian packages (docs/real-images.md).
#   bash tools/real-images/build.sh [OUT_DIR] [--small] [--tiff]
# OUT_DIR defaults to .protobench/real-images (gitignored); each dataset becomes OUT_DIR/<id>/.
# Installs the packages of packages.txt that are missing (apt-get; run as root or with sudo).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/.protobench/real-images
small=()
cli=()
for a in "$@"; do
  case $a in
    --small) small=(--small) ;;
    --tiff) cli+=(--tiff) ;;
    -*) echo "unknown option $a (usage: build.sh [OUT_DIR] [--small] [--tiff])" >&2; exit 2 ;;
    *) out=$a ;;
  esac
done

mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$here/packages.txt")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
# Debian's python3 on purpose: a python3 earlier on PATH (pyenv, venv) lacks Debian's packages.
/usr/bin/python3 "$here/extract.py" "$raw" "${small[@]}"
node "$root/tools/medimeta-fixture/cli.mjs" --real "$raw" --out "$out" "${cli[@]}"
