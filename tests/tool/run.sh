#!/usr/bin/env bash
# Proves the README's two ways to get the CLI work offline on a clean clone: the .NET tool installed from a local
# `dotnet pack`, and the default publish, one Native AOT executable (with no trim or AOT warning: warnings are errors).
# Each must print the build's version and validate Pulumi.yaml; the Native AOT one also draws a simulation plot (PNG),
# the one path that loads a native library (SkiaSharp) beside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)

dotnet pack src/Multinode.Infra.Cli -c Release --nologo -v q -o "$work/nupkg"
dotnet tool install --tool-path "$work/tools" --add-source "$work/nupkg" --ignore-failed-sources multinode > /dev/null
test "$("$work/tools/multinode" --version)" = "$version"
"$work/tools/multinode" validate Pulumi.yaml

dotnet publish src/Multinode.Infra.Cli -c Release -r linux-x64 --nologo -v q -o "$work/aot"
test ! -e "$work/aot/multinode.dll"
test "$("$work/aot/multinode" --version)" = "$version"
"$work/aot/multinode" validate Pulumi.yaml
"$work/aot/multinode" simulate examples/aws-inference --load examples/load/seed.csv --plot "$work/seed.png" > /dev/null
test "$(head -c 4 "$work/seed.png" | tail -c 3)" = "PNG"
# The executable alone (copied without the native libraries): everything works but the plot, which says why.
mkdir "$work/alone" && cp "$work/aot/multinode" "$work/alone/"
"$work/alone/multinode" validate Pulumi.yaml
code=0; "$work/alone/multinode" simulate examples/aws-inference --load examples/load/seed.csv --plot "$work/alone.png" \
  > /dev/null 2> "$work/alone.err" || code=$?
test "$code" = 2 && grep -q "needs SkiaSharp's native libraries" "$work/alone.err" && test ! -e "$work/alone.png"
echo "tool install and Native AOT publish: ok ($version)"
