#!/usr/bin/env bash
# Runs every test of the project: the .NET suites (which also type-check planned children with tsc)
# and the Node protocol conformance suite against the published plugin. Needs the .NET SDK and Node; the worker's
# end-to-end tests also need redis-server (installed here from Debian when missing) and the SQS emulator in
# tests/worker-sqs (installed here from its lock file).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null; then
  if ! apt-get install -y -qq redis-server >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq redis-server
  fi
fi
(cd tests/worker-sqs && npm ci --ignore-scripts --no-audit --no-fund --silent)

# Every test project of the solution: Multinode.Infra.Tests (core), Multinode.Infra.Cli.Tests (the `multinode` CLI),
# Multinode.Infra.Provider.Tests (the plugin), Multinode.Worker.Tests (the worker); MSBuild runs them side by side.
dotnet test Multinode.Infra.sln --nologo -v q

bash tests/tool/run.sh

if [ -f tests/conformance/run.sh ]; then
  bash tests/conformance/run.sh
fi

# The TypeScript SDK packed and run as a user runs it (docs/sdk.md); uses the plugin the conformance run published.
bash tests/sdk/run.sh
