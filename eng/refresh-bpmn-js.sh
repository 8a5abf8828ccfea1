#!/usr/bin/env bash
# Refreshes the bpmn-js viewer the console serves (services/Dealership.Web/wwwroot/lib/bpmn-js@<version>/) from npm.
# Only this script needs Node.js; the product runs with the .NET SDK alone.
# Usage: eng/refresh-bpmn-js.sh [version]   (default: the version vendored now)
set -euo pipefail
cd "$(dirname "$0")/.."
lib=services/Dealership.Web/wwwroot/lib
current=$(ls -d "$lib"/bpmn-js@* 2>/dev/null | sed 's/.*@//' | head -1)
version=${1:-$current}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "bpmn-js@$version" >/dev/null && tar xzf "bpmn-js-$version.tgz")
[ -n "$current" ] && [ "$current" != "$version" ] && git rm -rq "$lib/bpmn-js@$current"
mkdir -p "$lib/bpmn-js@$version"
cp "$work/package/dist/bpmn-viewer.production.min.js" "$work/package/dist/assets/bpmn-js.css" \
   "$work/package/dist/assets/diagram-js.css" "$work/package/LICENSE" "$lib/bpmn-js@$version/"
echo "bpmn-js $version in $lib/bpmn-js@$version (change the version in tests/Dealership.Tests/Web/Default_diagram_pictures_Specs.cs too)"
