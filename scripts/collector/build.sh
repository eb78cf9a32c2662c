#!/usr/bin/env bash
# Builds the real OpenTelemetry Collector from builder-config.yaml with the OpenTelemetry Collector Builder (ocb),
# fetched from the Go module proxy. The build takes minutes (over half an hour on 2 busy cores), so the binary is
# cached per manifest: the same manifest (and Go version) is built once, under
# ${N1RADAR_COLLECTOR_CACHE:-~/.cache/n1radar-collector}/<hash>/. Prints the binary's path on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
builder_version="v0.161.0"
manifest="$here/builder-config.yaml"
root="${N1RADAR_COLLECTOR_CACHE:-$HOME/.cache/n1radar-collector}"
key="$( (cat "$manifest"; echo "$builder_version"; go env GOVERSION) | sha256sum | cut -c1-16)"
cache="$root/$key"
binary="$cache/n1radar-collector/n1radar-collector"
if [ -x "$binary" ]; then
  echo "collector: cached build for this manifest" >&2
  echo "$binary"
  exit 0
fi
ocb="$root/ocb-$builder_version"
if [ ! -x "$ocb" ]; then
  echo "collector: installing the Collector Builder $builder_version from the Go module proxy" >&2
  mkdir -p "$root/bin-$builder_version"
  GOBIN="$root/bin-$builder_version" go install "go.opentelemetry.io/collector/cmd/builder@$builder_version"
  mv "$root/bin-$builder_version/builder" "$ocb"
fi
mkdir -p "$cache"
echo "collector: building (several minutes the first time) into $cache" >&2
started=$(date +%s)
(cd "$cache" && nice -n 10 "$ocb" --config="$manifest" >"$cache/build.log" 2>&1) || {
  tail -40 "$cache/build.log" >&2
  echo "collector: build failed, full log in $cache/build.log" >&2
  exit 1
}
echo "collector: built in $(($(date +%s) - started)) s" >&2
echo "$binary"
