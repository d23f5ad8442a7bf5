#!/bin/sh
# Fetches Dear ImGui's sources from Debian's source package into an ignored
# cache folder, so that no third-party code is ever committed.
#   usage: tools/fetch-imgui.sh [cache-dir]      (default: <repo>/.cache)
# Prints the path of the unpacked sources (the folder holding imgui.cpp).
set -eu

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cache_dir=${1:-"$repo_root/.cache"}
target="$cache_dir/imgui"

# Already fetched: nothing to do (keeps incremental builds offline and fast).
if [ -f "$target/imgui.cpp" ] && [ -f "$target/backends/imgui_impl_glfw.cpp" ]; then
  echo "$target"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

has_deb_src() {
  grep -rqsE '^[[:space:]]*(Types:.*deb-src|deb-src[[:space:]])' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

# apt-get source needs a deb-src entry. Derive it from the machine's own
# deb822 entry rather than naming any archive host here.
if ! has_deb_src; then
  own=/etc/apt/sources.list.d/debian.sources
  if [ ! -f "$own" ]; then
    echo "fetch-imgui: no deb-src entry and no $own to derive one from" >&2
    exit 1
  fi
  tmp_sources=$(mktemp)
  sed -E 's/^Types:.*$/Types: deb-src/' "$own" >"$tmp_sources"
  as_root install -m 0644 "$tmp_sources" /etc/apt/sources.list.d/debian-src.sources
  rm -f "$tmp_sources"
  as_root apt-get update
fi

mkdir -p "$cache_dir"
work=$(mktemp -d "$cache_dir/imgui-fetch.XXXXXX")
# apt drops privileges to _apt for the download: let it write here.
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT INT TERM

# A deb-src entry whose index was never downloaded makes the first try fail.
if ! (cd "$work" && apt-get source imgui >&2); then
  as_root apt-get update >&2
  (cd "$work" && apt-get source imgui >&2)
fi

unpacked=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'imgui-*' | head -n 1)
if [ -z "$unpacked" ] || [ ! -f "$unpacked/imgui.cpp" ]; then
  echo "fetch-imgui: apt-get source imgui did not unpack the expected tree" >&2
  exit 1
fi
rm -rf "$target"
mv "$unpacked" "$target"
echo "$target"
