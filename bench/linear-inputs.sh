#!/usr/bin/env bash
# Linear input handling (issue 25, item 3): `multinode validate` of an AWS Daemon whose args list (or env map) has N
# items, N doubling from 4,000 to 64,000. Each is refused for EC2's 16 KB user data limit; the time per item must stay
# flat as N doubles (quadratic handling doubled it: 32,000 args took 12-27 s). Prints N, ms, µs per item.
# Usage: bash bench/linear-inputs.sh [args|env]   (needs dotnet and python3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="${MULTINODE_OUT:-$here/out}"
input="${1:-args}"
dotnet build "$repo/src/Multinode.Infra.Cli" -c Release -o "$out/cli-jit" -nologo -v quiet >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%8s %8s %10s\n' N ms "µs/item"
for n in 4000 8000 16000 32000 64000; do
  python3 - "$work/Pulumi.yaml" "$n" "$input" <<'PY'
import json, sys
path, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
props = {"image": "img"}
if kind == "args": props["args"] = [f"a{i}" for i in range(n)]
else: props["env"] = {f"K{i}": "v" for i in range(n)}
program = {"name": "linear", "runtime": "yaml",
           "config": {"multinode:target": {"value": "aws"},
                      "multinode:aws": {"value": {"vpcId": "vpc-1", "subnetIds": ["subnet-a"]}}},
           "resources": {"d": {"type": "multinode:index:Daemon", "properties": props}}}
open(path, "w").write(json.dumps(program))  # JSON is YAML
PY
  start=$(date +%s%N)
  "$out/cli-jit/multinode" validate "$work/Pulumi.yaml" >/dev/null 2>&1 || true
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%8d %8d %10.2f\n' "$n" "$ms" "$(echo "$ms * 1000 / $n" | bc -l)"
done
