#!/usr/bin/env bash
# Refreshes the vendored Redoc bundle under ui/static/vendor/ from the npm
# package redoc@VERSION, for GET /api/docs. Run it by hand when upgrading
# Redoc (change VERSION and INTEGRITY together: `npm view redoc@X
# dist.integrity`), then commit what it wrote. Nothing is fetched when
# Redress builds or runs.
#
# One patch: Redoc 2's sidebar footer loads its logo from
# https://cdn.redoc.ly, which the page's Content-Security-Policy (and the
# rule that the page fetches nothing from elsewhere) refuses. The patch
# points the image at an empty data: URL; the image fails to decode, and
# Redoc's own onError handler then hides it. TestVendoredRedoc checks the
# patch is in place.
set -euo pipefail
VERSION=2.5.2
INTEGRITY='sha512-sTJfItvRkcDTojB6wdLN4M+Ua6mlZwElV21Tf8Mn7IbQF/1Os6GvgQpZyLWPGZZHbhy7GC1Or1hTMHfz1vKh5A=='
cd "$(dirname "$0")/../.."
out=ui/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent --json "redoc@$VERSION" >pack.json)
grep -q "\"integrity\": \"$INTEGRITY\"" "$tmp/pack.json" || {
  echo "vendor-redoc: redoc@$VERSION's integrity is not $INTEGRITY" >&2
  exit 1
}
tar xzf "$tmp/redoc-$VERSION.tgz" -C "$tmp"
mkdir -p "$out"
cp "$tmp/package/LICENSE" "$out/redoc.LICENSE.txt"
cp "$tmp/package/bundles/redoc.standalone.js.LICENSE.txt" "$out/redoc.standalone.js.LICENSE.txt"
logo='src:"https://cdn.redoc.ly/redoc/logo-mini.svg"'
[ "$(grep -o "$logo" "$tmp/package/bundles/redoc.standalone.js" | wc -l)" -eq 1 ] || {
  echo "vendor-redoc: the logo URL to patch is not in the bundle once; review the patch" >&2
  exit 1
}
sed "s#$logo#src:\"data:,\"#" "$tmp/package/bundles/redoc.standalone.js" >"$out/redoc.standalone.js"
sha256sum "$out"/*
