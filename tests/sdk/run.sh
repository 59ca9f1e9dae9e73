#!/usr/bin/env bash
# Builds and packs the TypeScript SDK (sdk/nodejs), installs the tarball into tests/sdk as a user would, and runs the
# SDK tests against the published plugin. Run after tests/conformance/run.sh (it publishes the plugin and installs
# the protocol stubs this suite's engine uses). Usage: tests/sdk/run.sh [node --test args...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${MULTINODE_OUT:-$repo/out}"
export MULTINODE_PLUGIN="${MULTINODE_PLUGIN:-$out/plugin/pulumi-resource-multinode}"
if [ ! -x "$MULTINODE_PLUGIN" ]; then
  echo "sdk: no plugin at $MULTINODE_PLUGIN; run tests/conformance/run.sh first (it publishes one)" >&2
  exit 1
fi

ci() { # npm ci only when node_modules is missing or older than the lock file
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    (cd "$1" && npm ci --ignore-scripts --no-audit --no-fund >&2)
  fi
}
ci "$repo/sdk/nodejs"
ci "$repo/tests/conformance"
ci "$here"

mkdir -p "$out/sdk"
tarball="$(cd "$repo/sdk/nodejs" && npm pack --offline --silent --pack-destination "$out/sdk")"
echo "sdk: packed $out/sdk/$tarball" >&2
# As a user installs it: from the tarball, beside the locked @pulumi/pulumi and typescript.
rm -rf "$here/node_modules/@multinode"
(cd "$here" && npm install --no-save --prefer-offline --ignore-scripts --no-audit --no-fund "$out/sdk/$tarball" >&2)

cd "$here"
# The test program, as a user builds it: tsc --strict against the installed SDK's declarations.
node_modules/.bin/tsc -p program
exec node --test --test-concurrency=2 --test-timeout=120000 "$@" test/
