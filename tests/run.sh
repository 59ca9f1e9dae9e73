#!/usr/bin/env bash
# Runs every test of the project: the .NET suites (which also type-check planned children with tsc)
# and the Node protocol conformance suite against the published plugin. Needs only the .NET SDK and Node.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet test Multinode.Infra.sln --nologo -v q

bash tests/tool/run.sh

if [ -f tests/conformance/run.sh ]; then
  bash tests/conformance/run.sh
fi
