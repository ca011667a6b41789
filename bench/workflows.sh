#!/usr/bin/env bash
# Dapr's published workflow perf shapes against the embedded task hub (see bench/README.md).
# Usage: bash bench/workflows.sh [parallel] [chained] [waiting] [--runs 5] [--iterations N] [--vus N] [--instances N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/AgentMesh.Bench.Workflows -v quiet -nologo >/dev/null
exec dotnet bench/AgentMesh.Bench.Workflows/bin/Release/net10.0/AgentMesh.Bench.Workflows.dll "$@"
