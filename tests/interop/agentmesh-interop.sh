#!/usr/bin/env bash
# Runs agentmesh-interop (server|client, then the official interop flags), building it first when
# it is missing or older than its sources. Build output goes to stderr only when the build fails.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
project_dir="$root/tests/interop/AgentMesh.Interop"
dll="$project_dir/bin/Release/net10.0/agentmesh-interop.dll"

stale() {
  [ ! -f "$dll" ] && return 0
  [ -n "$(find "$root/src/AgentMesh.Grpc" "$project_dir" "$root"/Directory.*.props "$root/global.json" \
    -path '*/bin' -prune -o -path '*/obj' -prune -o -type f -newer "$dll" -print -quit)" ]
}

mkdir -p "$project_dir/bin"
exec 9>"$project_dir/bin/.build-lock"
flock 9 # run-server.sh and run-client.sh started together build once
if stale; then
  log="$(mktemp)"
  if ! dotnet build "$project_dir/AgentMesh.Interop.csproj" -c Release -v q --nologo >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "agentmesh-interop: the build failed (output above)." >&2
    exit 1
  fi
  rm -f "$log"
  touch "$dll"
fi
exec 9>&-

exec dotnet "$dll" "$@"
