#!/usr/bin/env bash
# The AgentMesh interop server: run-server.sh --port=P [--use_tls=false]
# Serves grpc.testing.TestService over HTTP/2 cleartext until stopped; builds first if needed.
exec "$(dirname "$0")/agentmesh-interop.sh" server "$@"
