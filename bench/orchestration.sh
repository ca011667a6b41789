#!/usr/bin/env bash
# Issue 9's side-by-side benchmark (see bench/README.md): AgentMesh, LangGraph.js and Microsoft Agent
# Framework on the same workload (bench/orchestration/workload), every side in the same run.
# Usage: bash bench/orchestration.sh [--sides floor,agentmesh,agentmesh-multi,langgraph-normal,langgraph-full,maf] [--reps 3] [--runs-one 30] [--runs-many 200] [--warmup W] [--no-fsync]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --silent
[ -d bench/orchestration/langgraph/node_modules ] || npm ci --silent --prefix bench/orchestration/langgraph
dotnet build -c Release cli -v quiet -nologo >/dev/null
for service in orchestrator planner agents toolhost state; do dotnet build -c Release "services/$service" -v quiet -nologo >/dev/null; done
dotnet build -c Release bench/orchestration/maf -v quiet -nologo >/dev/null
dotnet build -c Release bench/AgentMesh.Bench.Orchestration -v quiet -nologo >/dev/null
exec dotnet bench/AgentMesh.Bench.Orchestration/bin/Release/net10.0/AgentMesh.Bench.Orchestration.dll "$@"
