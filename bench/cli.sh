#!/usr/bin/env bash
# CLI benchmark: publishes `multinode` the default way (Native AOT) and builds it as JIT (how `dotnet run` and the
# .NET tool run), then bench/cli.js measures start-up against `node -e 0`, plan and diff of large generated programs
# and the peak memory of a 10,000-workload plan, all in one run, and prints the ratios with issue 11's limits.
# Usage: bash bench/cli.sh   (RUNS=20 LONG_RUNS=5 RSS_RUNS=3 to change the runs; needs node and clang for Native AOT)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${MULTINODE_OUT:-$here/out}"
q=(-nologo -v quiet)

dotnet publish "$repo/src/Multinode.Infra.Cli" -c Release -o "$out/cli-aot" "${q[@]}" >&2
dotnet build "$repo/src/Multinode.Infra.Cli" -c Release -o "$out/cli-jit" "${q[@]}" >&2
exec node "$here/cli.js" "$out/cli-aot/multinode" "$out/cli-jit/multinode"
