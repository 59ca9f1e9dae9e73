#!/usr/bin/env bash
# Memory over many Constructs (bench/construct-memory.js): publishes the plugin (JIT, Release) and reports its resident
# set after a warm-up of 200 Constructs and after N more distinct ones, on each target.
# Usage: bench/construct-memory.sh [N]   (default 2000; needs node, installs tests/conformance's locked packages)
#        bench/construct-memory.sh large   (resident set after requests of 31–70 MB, bench/construct-memory-large.js)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${MULTINODE_OUT:-$here/out}"
dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -o "$out/plugin-memory" -p:PublishAot=false -nologo -v quiet >&2
if [ ! -d "$repo/tests/conformance/node_modules" ]; then (cd "$repo/tests/conformance" && npm ci --ignore-scripts --no-audit --no-fund >&2); fi
if [ "${1:-}" = large ]; then
  for target in aws kubernetes; do node "$here/construct-memory-large.js" "$out/plugin-memory/pulumi-resource-multinode" "$target"; done
  exit 0
fi
for target in aws kubernetes; do
  node "$here/construct-memory.js" "$out/plugin-memory/pulumi-resource-multinode" "${1:-2000}" "$target"
done
