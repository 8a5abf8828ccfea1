#!/usr/bin/env bash
# Builds the workflow designer's one bundle (the bpmn-js modeler, the Zeebe properties panel, element templates) from the
# versions pinned in eng/bpmn-designer/package.json (and its package-lock.json) into
# services/Dealership.Web/wwwroot/lib/bpmn-designer@<bpmn-js version>/, with the licence of every package inside it.
# Only this script needs Node.js; the product builds and runs with the .NET SDK alone (ADR 0514).
# Usage: edit the pins in eng/bpmn-designer/package.json if you mean to, then run eng/refresh-bpmn-designer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source=eng/bpmn-designer
lib=services/Dealership.Web/wwwroot/lib
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$source/package.json" "$source/designer.js" "$source/designer.css" "$work/"
[ -f "$source/package-lock.json" ] && cp "$source/package-lock.json" "$work/"
# install (not ci): a pin changed in package.json moves the lock with it; an unchanged one installs what the lock says.
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
cp "$work/package-lock.json" "$source/package-lock.json"

version=$(node -p "require('$work/node_modules/bpmn-js/package.json').version")
out="$lib/bpmn-designer@$version"
for old in "$lib"/bpmn-designer@*; do
  [ -e "$old" ] && [ "$old" != "$out" ] && git rm -rq "$old"
done
rm -rf "$out" && mkdir -p "$out"
esbuild="$work/node_modules/.bin/esbuild"
"$esbuild" "$work/designer.js" --bundle --minify --format=iife --global-name=BpmnDesigner --target=es2020 \
  --legal-comments=none --metafile="$work/js-meta.json" --outfile="$out/bpmn-designer.js" --log-level=warning
"$esbuild" "$work/designer.css" --bundle --minify --outdir="$out" --asset-names='[name]' --metafile="$work/css-meta.json" \
  --loader:.eot=file --loader:.svg=file --loader:.woff=file --loader:.woff2=file --loader:.ttf=file --log-level=warning
mv "$out/designer.css" "$out/bpmn-designer.css"

# The licences of exactly the packages the bundles took code from, and their pinned versions.
node - "$work" "$out" <<'JS'
const fs = require('fs'), path = require('path');
const [work, out] = process.argv.slice(2);
const packages = new Map();
for (const meta of ['js-meta.json', 'css-meta.json']) {
  for (const input of Object.keys(JSON.parse(fs.readFileSync(path.join(work, meta))).inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) packages.set(m[1], path.join(work, 'node_modules', m[1]));
  }
}
let notices = 'The workflow designer bundle (bpmn-designer.js, bpmn-designer.css and its fonts) holds code of these npm packages.\n';
for (const [name, dir] of [...packages].sort()) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json')));
  const licence = fs.readdirSync(dir).find(f => /^licen[cs]e/i.test(f));
  notices += `\n==== ${name}@${pkg.version} (${pkg.license || 'see below'})\n\n` +
    (licence ? fs.readFileSync(path.join(dir, licence), 'utf8').trim() : `No licence file; package.json says: ${pkg.license}`) + '\n';
}
fs.writeFileSync(path.join(out, 'THIRD-PARTY-NOTICES.txt'), notices);
JS
ls -l "$out"
echo "bpmn-designer $version in $out (the page names this folder in Components/Pages/Designer.razor)"
