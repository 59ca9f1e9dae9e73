#!/usr/bin/env bash
# Publishes the plugin (Native AOT) and the CLI, installs the locked node packages when needed, and runs the
# conformance suite against them. Usage: tests/conformance/run.sh [node --test args...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${MULTINODE_OUT:-$repo/out}"

echo "conformance: publishing the plugin to $out/plugin" >&2
# Native AOT links with clang; a machine without one still runs the suite against the JIT build.
aot=()
if ! compgen -c clang | grep -qE '^clang(-[0-9]+)?$'; then
  echo "conformance: no clang found, publishing the plugin without Native AOT" >&2
  aot=(-p:PublishAot=false)
fi
dotnet publish "$repo/src/Multinode.Infra.Provider" -c Release -o "$out/plugin" "${aot[@]}" -nologo -v quiet >&2
echo "conformance: building the CLI to $out/cli" >&2
dotnet build "$repo/src/Multinode.Infra.Cli" -c Release -o "$out/cli" -nologo -v quiet >&2

cd "$here"
# npm ci only when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund >&2
fi

export MULTINODE_PLUGIN="$out/plugin/pulumi-resource-multinode"
export MULTINODE_CLI="$out/cli/multinode"
exec node --test --test-concurrency=2 --test-timeout=120000 "$@" test/
