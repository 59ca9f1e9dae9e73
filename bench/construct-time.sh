#!/usr/bin/env bash
# Plugin-side time of Construct per workload kind and target (bench/construct-time.js), then whether it grows with the
# program (bench/construct-scaling.js: 2,000 AWS Functions), for the plugin as published (Native AOT), published to
# bench/out/plugin-aot (NO_PUBLISH=1 reuses the one there, e.g. from bench/startup.sh). Exits non-zero when a kind
# misses the 5 ms goal.
# Usage: bench/construct-time.sh   (RUNS=N rounds, default 30; COUNT=N for the scaling part, 0 to skip it; needs node,
# installs tests/conformance's locked packages)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${MULTINODE_OUT:-$here/out}"
if [ -z "${NO_PUBLISH:-}" ]; then
  dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -o "$out/plugin-aot" -nologo -v quiet >&2
fi
if [ ! -d "$repo/tests/conformance/node_modules" ]; then (cd "$repo/tests/conformance" && npm ci --ignore-scripts --no-audit --no-fund >&2); fi
status=0
node "$here/construct-time.js" "$out/plugin-aot/pulumi-resource-multinode" || status=$?
if [ "${COUNT:-2000}" != 0 ]; then
  echo
  COUNT="${COUNT:-2000}" node "$here/construct-scaling.js" "$out/plugin-aot/pulumi-resource-multinode"
fi
exit "$status"
