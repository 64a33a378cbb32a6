#!/usr/bin/env bash
# trunk post_build hook (Trunk.toml): writes the <k8s-playground> element's files into
# the staging dist, next to the page's hashed ones.
#
#   k8s-playground.js             js/k8s-playground.js with the hashed names filled in:
#                                 a stable URL for docs pages, which then fetch the
#                                 same glue and .wasm as the page (cacheable forever)
#   k8s-playground-HASH.css       the page's stylesheets, in index.html's order, plus
#                                 style/embed.css: what each widget's shadow root links
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"

one() {
  local matches=("$dir"/$1)
  [ ${#matches[@]} -eq 1 ] && [ -e "${matches[0]}" ] || {
    echo "embed-assets: expected one $1 in $dir, found: ${matches[*]}" >&2
    exit 1
  }
  basename "${matches[0]}"
}
shopt -s nullglob
wasm=$(one 'kubeplay-web*_bg.wasm')
glue="${wasm%_bg.wasm}.js"
[ -e "$dir/$glue" ] || { echo "embed-assets: $glue not found" >&2; exit 1; }

# The page's stylesheets as trunk wrote them into index.html, in order.
css_tmp=$(mktemp)
trap 'rm -f "$css_tmp"' EXIT
grep -o '<link[^>]*rel="\?stylesheet"\?[^>]*>' "$dir/index.html" \
  | grep -o 'href="[^"]*\.css"' | sed -e 's/^href="//' -e 's/"$//' -e 's|.*/||' \
  | while read -r f; do cat "$dir/$f"; echo; done > "$css_tmp"
[ -s "$css_tmp" ] || { echo "embed-assets: no stylesheet found in index.html" >&2; exit 1; }
cat style/embed.css >> "$css_tmp"
css="k8s-playground-$(sha256sum "$css_tmp" | cut -c1-16).css"
rm -f "$dir"/k8s-playground-*.css
cp "$css_tmp" "$dir/$css"

sed -e "s|__KP_GLUE__|./$glue|" -e "s|__KP_WASM__|./$wasm|" -e "s|__KP_CSS__|./$css|" \
  js/k8s-playground.js > "$dir/k8s-playground.js"
echo "embed-assets: k8s-playground.js -> $glue, $wasm, $css"
