#!/usr/bin/env bash
# The Agent Framework side of the orchestration benchmark: builds (Release, quiet, to stderr) and runs it with the runner contract's args, e.g. --runs 30 --concurrency 1 --warmup 5 --data DIR --workload <repo>/bench/orchestration/workload
d="$(cd "$(dirname "$0")" && pwd)" && dotnet build "$d/AgentMesh.Bench.Maf.csproj" -c Release -v q -nologo 1>&2 && exec "$d/bin/Release/net10.0/AgentMesh.Bench.Maf" "$@"
