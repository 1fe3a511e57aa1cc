#!/bin/sh
# Fetches ptxas (the PTX assembler, CUDA 11.8) from Debian's non-free nvidia-cuda-toolkit package without installing the
# package or any of its dependencies: a private apt configuration (own sources list, package lists and cache under the
# cache folder) downloads the .deb, and `dpkg -x` unpacks it there; only ptxas is kept. Needs no root. Idempotent: once unpacked,
# nothing is fetched again. Prints the path of ptxas on its last line of output (stdout).
#
# The Debian mirror comes from $NATIVEDANCE_DEBIAN_MIRROR, else from this machine's apt sources (the first URI that
# serves Debian's main archive). ISA 7.8 / sm_80 kernels need ptxas >= 11.8, which bookworm ships.
set -eu

cache=${NATIVEDANCE_PTXAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nativedance/ptxas}
ptxas=$cache/bin/ptxas

say() { echo "install-ptxas: $*" >&2; }

if [ -x "$ptxas" ] && "$ptxas" --version >/dev/null 2>&1; then
    say "already unpacked"
    echo "$ptxas"
    exit 0
fi

# The URI of Debian's main archive in the machine's apt sources: deb822 files (URIs: lines) or one-line sources.
# Security and update suites live in other archives (…/debian-security) and are skipped by requiring a path ending in /debian.
mirror_from_apt_sources() {
    {
        cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }'
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { print $i; break } }'
    } | sed 's:/*$::' | grep -E '^(https?|file)://.*/debian$' | head -n 1
}

mirror=${NATIVEDANCE_DEBIAN_MIRROR:-$(mirror_from_apt_sources || true)}
if [ -z "$mirror" ]; then
    say "no Debian mirror found in /etc/apt/sources.list[.d]; set NATIVEDANCE_DEBIAN_MIRROR to a Debian archive URI"
    exit 1
fi
for tool in apt-get dpkg; do
    command -v "$tool" >/dev/null 2>&1 || { say "$tool not found (ptxas is fetched from a Debian package)"; exit 1; }
done

mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$cache/etc"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed_by=""
if [ -r "$keyring" ]; then signed_by="[signed-by=$keyring] "; fi
echo "deb ${signed_by}$mirror bookworm main contrib non-free" > "$cache/etc/sources.list"

# Only the package lists and the download cache are redirected; the machine's dpkg status is read, never written.
apt_private() {
    apt-get -q \
        -o Dir::Etc::SourceList="$cache/etc/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$cache/lists" \
        -o Dir::Cache="$cache" \
        -o Dir::Cache::Archives="$cache/archives" \
        -o APT::Sandbox::User="$(id -un)" \
        "$@"
}

say "updating the package lists of $mirror bookworm (main contrib non-free)"
apt_private update >&2
say "downloading nvidia-cuda-toolkit (about 85 MB)"
rm -f "$cache"/archives/nvidia-cuda-toolkit_*.deb
(cd "$cache/archives" && apt_private download nvidia-cuda-toolkit >&2)
deb=$(ls "$cache"/archives/nvidia-cuda-toolkit_*.deb)

# Only ptxas is kept: the rest of the toolkit (about 190 MB unpacked), the .deb and the package lists are dropped.
unpacked=$cache/unpacked
rm -rf "$unpacked"
dpkg -x "$deb" "$unpacked"
if ! [ -x "$unpacked/usr/bin/ptxas" ]; then
    say "$deb does not contain usr/bin/ptxas"
    exit 1
fi
mkdir -p "$cache/bin"
mv "$unpacked/usr/bin/ptxas" "$ptxas"
rm -rf "$unpacked" "$deb" "$cache/lists"
say "$("$ptxas" --version | tail -n 1)"
echo "$ptxas"
