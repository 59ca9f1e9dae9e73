#!/usr/bin/env bash
# Proves the README's two ways to get the CLI work offline on a clean clone: the .NET tool installed from a local
# `dotnet pack`, and the self-contained single-file publish. Each must print the build's version and validate Pulumi.yaml.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)

dotnet pack src/Multinode.Infra.Cli -c Release --nologo -v q -o "$work/nupkg"
dotnet tool install --tool-path "$work/tools" --add-source "$work/nupkg" --ignore-failed-sources multinode > /dev/null
test "$("$work/tools/multinode" --version)" = "$version"
"$work/tools/multinode" validate Pulumi.yaml

dotnet publish src/Multinode.Infra.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true --nologo -v q -o "$work/single"
test "$("$work/single/multinode" --version)" = "$version"
"$work/single/multinode" validate Pulumi.yaml
echo "tool install and single-file publish: ok ($version)"
