#!/bin/sh
# Installs the Debian packages NativeDance's datasets use: ffmpeg (decodes UCF101/HMDB51 videos and frame folders)
# and dataset-fashion-mnist (the IDX files behind Moving Fashion-MNIST, in /usr/share/datasets/fashion-mnist).
# Idempotent: packages already present are left alone and nothing is fetched. Run as root or with sudo available.
# Other scripts pass their own package list (e.g. scripts/publish-aot.sh: clang zlib1g-dev).
# Usage: scripts/install-deps.sh [package ...]
set -eu

packages="${*:-ffmpeg dataset-fashion-mnist}"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: already installed:$(printf ' %s' $packages)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install these packages with your system's package manager:$missing" >&2
    exit 1
fi

run_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "install-deps: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

echo "install-deps: installing$missing"
run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
