#!/usr/bin/env bash
# Simulation benchmark: publishes `multinode` the default way (Native AOT), then bench/simulate.js measures
# `simulate` of 100 workloads under a six-hour trace against `plan` of the same program (issue 19's limits).
# Usage: bash bench/simulate.sh   (RUNS=3 to change the runs; needs node, GNU time and clang for Native AOT)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${MULTINODE_OUT:-$here/out}"
dotnet publish "$repo/src/Multinode.Infra.Cli" -c Release -o "$out/cli-aot" -nologo -v quiet >&2
exec node "$here/simulate.js" "$out/cli-aot/multinode"
