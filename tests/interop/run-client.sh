#!/usr/bin/env bash
# The AgentMesh interop client: run-client.sh --server_host=H --server_port=P --test_case=X [--use_tls=false]
# Exit 0 when the test case passed, 1 when it failed (reason on stderr), 2 for a bad command line.
# Builds first if needed.
exec "$(dirname "$0")/agentmesh-interop.sh" client "$@"
