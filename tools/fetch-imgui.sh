#!/bin/sh
# Fetches Dear ImGui's sources from Debian's source package into an ignored
# cache folder, so that no third-party code is ever committed.
#   usage: tools/fetch-imgui.sh [cache-dir]      (default: <repo>/.cache)
# Prints the path of the unpacked sources (the folder holding imgui.cpp) on
# stdout, and nothing else: CMake reads stdout as that path. Everything else
# (apt's progress, errors) goes to stderr; tests/tools check this contract.
set -eu
# From here on, stdout is stderr; the one result line goes to fd 3.
exec 3>&1 1>&2

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cache_dir=${1:-"$repo_root/.cache"}
target="$cache_dir/imgui"

# Already fetched: nothing to do (keeps incremental builds offline and fast).
if [ -f "$target/imgui.cpp" ] && [ -f "$target/backends/imgui_impl_glfw.cpp" ]; then
  echo "$target" >&3
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt's own idea of where its sources are (APT_CONFIG can move them).
eval "$(apt-config shell source_parts Dir::Etc::SourceParts/d source_list Dir::Etc::SourceList/f)"
source_parts=${source_parts:-/etc/apt/sources.list.d/}
source_list=${source_list:-/etc/apt/sources.list}

has_deb_src() {
  grep -rqsE '^[[:space:]]*(Types:.*deb-src|deb-src[[:space:]])' "$source_list" "$source_parts" 2>/dev/null
}

# apt-get source needs a deb-src entry. Derive it from the machine's own
# entries (deb822 .sources files, or one-line ones) rather than naming any
# archive host here.
if ! has_deb_src; then
  derived=$(mktemp)
  for own in "$source_parts"*.sources; do
    [ -f "$own" ] || continue
    grep -qE '^Types:.*\bdeb\b' "$own" || continue
    sed -E 's/^Types:.*$/Types: deb-src/' "$own" >>"$derived"
    printf '\n' >>"$derived"
  done
  format=sources
  if [ ! -s "$derived" ]; then
    format=list
    cat "$source_list" "$source_parts"*.list 2>/dev/null |
      sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' >"$derived" || true
  fi
  if [ ! -s "$derived" ]; then
    rm -f "$derived"
    echo "fetch-imgui: no deb-src entry, and no deb entry in $source_parts or $source_list to derive one from" >&2
    exit 1
  fi
  as_root install -m 0644 "$derived" "${source_parts}chat-deb-src.$format"
  rm -f "$derived"
  as_root apt-get update
fi

mkdir -p "$cache_dir"
work=$(mktemp -d "$cache_dir/imgui-fetch.XXXXXX")
# apt drops privileges to _apt for the download: let it write here.
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT INT TERM

# A deb-src entry whose index was never downloaded makes the first try fail.
if ! (cd "$work" && apt-get source imgui); then
  as_root apt-get update
  (cd "$work" && apt-get source imgui)
fi

unpacked=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'imgui-*' | head -n 1)
if [ -z "$unpacked" ] || [ ! -f "$unpacked/imgui.cpp" ]; then
  echo "fetch-imgui: apt-get source imgui did not unpack the expected tree" >&2
  exit 1
fi
rm -rf "$target"
mv "$unpacked" "$target"
echo "$target" >&3
