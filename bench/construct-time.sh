#!/usr/bin/env bash
# Plugin-side time of Construct per workload kind and target (bench/construct-time.js) for the plugin as published
# (Native AOT), published to bench/out/plugin-aot (NO_PUBLISH=1 reuses the one there, e.g. from bench/startup.sh).
# Usage: bench/construct-time.sh   (RUNS=N rounds, default 30; needs node, installs tests/conformance's locked packages)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${MULTINODE_OUT:-$here/out}"
if [ -z "${NO_PUBLISH:-}" ]; then
  dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -o "$out/plugin-aot" -nologo -v quiet >&2
fi
if [ ! -d "$repo/tests/conformance/node_modules" ]; then (cd "$repo/tests/conformance" && npm ci --ignore-scripts --no-audit --no-fund >&2); fi
exec node "$here/construct-time.js" "$out/plugin-aot/pulumi-resource-multinode"
