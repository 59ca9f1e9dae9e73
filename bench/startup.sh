#!/usr/bin/env bash
# Startup benchmark: builds the plugin three ways (JIT, ReadyToRun, Native AOT) and a minimal Kestrel gRPC
# server two ways (JIT, Native AOT) as the yardstick, then measures time to the printed port and memory after
# Construct of the root program. Figures are reported as ratios against the baseline measured in the same run.
# Then the plugin-side time of Construct per workload kind for the Native AOT plugin (bench/construct-time.js).
# Usage: bench/startup.sh   (RUNS=N to change the number of runs; needs tests/conformance/node_modules)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$here/out"
q=(-nologo -v quiet)

dotnet publish "$here/Baseline" -c Release -o "$out/baseline-jit" -p:PublishAot=false "${q[@]}" >&2
dotnet publish "$here/Baseline" -c Release -r linux-x64 -o "$out/baseline-aot" -p:PublishAot=true "${q[@]}" >&2
dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -o "$out/plugin-jit" -p:PublishAot=false -p:RuntimeIdentifier= "${q[@]}" >&2
dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -r linux-x64 -o "$out/plugin-r2r" -p:PublishAot=false -p:PublishReadyToRun=true --self-contained false "${q[@]}" >&2
dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -o "$out/plugin-aot" "${q[@]}" >&2
dotnet build "$repo/src/Multinode.Infra.Cli" -c Release -o "$out/cli" "${q[@]}" >&2

if [ ! -d "$repo/tests/conformance/node_modules" ]; then (cd "$repo/tests/conformance" && npm ci --ignore-scripts --no-audit --no-fund >&2); fi
export MULTINODE_CLI="$out/cli/multinode"
node "$here/measure.js" \
  "baseline-aot=$out/baseline-aot/baseline-grpc" \
  "baseline-jit=$out/baseline-jit/baseline-grpc" \
  "plugin-aot=$out/plugin-aot/pulumi-resource-multinode" \
  "plugin-r2r=$out/plugin-r2r/pulumi-resource-multinode" \
  "plugin-jit=$out/plugin-jit/pulumi-resource-multinode"
echo
exec node "$here/construct-time.js" "$out/plugin-aot/pulumi-resource-multinode"
