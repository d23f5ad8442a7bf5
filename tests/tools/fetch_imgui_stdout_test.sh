#!/usr/bin/env bash
# The contract of tools/fetch-imgui.sh, whose stdout CMake reads as a path:
# stdout is one line naming an unpacked imgui tree and nothing else, whatever
# apt prints on the way. Everything else goes to stderr. Three cases:
#   - a machine without a deb-src entry (the script derives one from the
#     machine's deb entries and runs apt-get update), in a private apt
#     configuration (APT_CONFIG) so that this machine's own stays untouched;
#   - a fresh fetch with the entry in place;
#   - a cached fetch.
# Needs root and the machine's apt sources to be reachable.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failures=0
check_stdout() {  # check_stdout LABEL CACHE-DIR
  local label=$1 cache=$2 lines path
  lines=$(wc -l <"$cache.out")
  path=$(cat "$cache.out")
  if [[ "$lines" -ne 1 ]]; then
    echo "FAIL $label: stdout has $lines lines, not 1:"; sed 's/^/    /' "$cache.out" | head -20
    failures=$((failures + 1))
  elif [[ "$path" != "$cache/imgui" || ! -f "$path/imgui.cpp" || ! -f "$path/backends/imgui_impl_glfw.cpp" ]]; then
    echo "FAIL $label: stdout is '$path', not the unpacked tree $cache/imgui"; failures=$((failures + 1))
  else
    echo "ok   $label: stdout is the path alone ($(wc -l <"$cache.err") lines went to stderr)"
  fi
}
fetch() {  # fetch CACHE-DIR [env...]
  local cache=$1; shift
  if ! env "$@" "$repo/tools/fetch-imgui.sh" "$cache" >"$cache.out" 2>"$cache.err"; then
    echo "FAIL tools/fetch-imgui.sh $cache exited with an error:"; tail -n 20 "$cache.err" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
}

# 1. No deb-src entry: a private apt configuration holding only this
#    machine's deb entries.
apt_dir="$work/apt"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
eval "$(apt-config shell parts Dir::Etc::SourceParts/d list Dir::Etc::SourceList/f)"
for file in "$parts"*.sources; do
  [[ -f "$file" ]] || continue
  grep -qE '^Types:.*\bdeb\b' "$file" && ! grep -q 'deb-src' "$file" && cp "$file" "$apt_dir/sources.list.d/"
done
{ [[ -f "$list" ]] && grep -E '^[[:space:]]*deb[[:space:]]' "$list" || true; } >"$apt_dir/sources.list"
cat >"$apt_dir/apt.conf" <<CONF
Dir::Etc::SourceParts "$apt_dir/sources.list.d/";
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::State::Lists "$apt_dir/lists/";
Dir::Cache "$apt_dir/cache/";
CONF
chown -R _apt "$apt_dir/lists" "$apt_dir/cache" 2>/dev/null || true
fetch "$work/derived" APT_CONFIG="$apt_dir/apt.conf"
check_stdout "a machine without a deb-src entry" "$work/derived"
if ! compgen -G "$apt_dir/sources.list.d/chat-deb-src.*" >/dev/null; then
  echo "FAIL a machine without a deb-src entry: no deb-src entry was derived"; failures=$((failures + 1))
fi
grep -rqE '^(Types: deb-src|deb-src )' "$apt_dir/sources.list.d/" ||
  { echo "FAIL the derived entry is not a deb-src one"; failures=$((failures + 1)); }

# 2. and 3. With the entry in place (this machine's, or derived now).
fetch "$work/fresh"
check_stdout "a fresh fetch" "$work/fresh"
grep -q . "$work/fresh.err" || { echo "FAIL a fresh fetch: apt's progress is not on stderr"; failures=$((failures + 1)); }
fetch "$work/fresh"
check_stdout "a cached fetch" "$work/fresh"
exit $((failures > 0))
