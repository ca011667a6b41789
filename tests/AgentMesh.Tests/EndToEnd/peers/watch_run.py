"""A Python grpcio client of the Orchestrator (Debian python3-grpcio), with stubs that protoc and
grpc_python_plugin generated from protos/agentmesh/v1 into STUBS_DIR at test time.

Usage: python3 watch_run.py ADDRESS GOAL STUBS_DIR
Starts a run with GOAL, approves every approval request, watches the run to its end and prints one
JSON line per event (proto field names), then {"final": <Run>}. Exit code 2 on an RPC error.
"""
import json
import sys

address, goal, stubs = sys.argv[1:4]
sys.path.insert(0, stubs)

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from agentmesh.v1 import orchestrator_pb2, orchestrator_pb2_grpc  # noqa: E402


def as_json(message):
    return json.dumps(json_format.MessageToDict(message, preserving_proto_field_name=True))


try:
    with grpc.insecure_channel(address) as channel:
        client = orchestrator_pb2_grpc.OrchestratorStub(channel)
        started = client.StartRun(orchestrator_pb2.StartRunRequest(goal=goal), timeout=60)
        for event in client.WatchRun(orchestrator_pb2.WatchRunRequest(run_id=started.run_id), timeout=120):
            print(as_json(event), flush=True)
            if event.HasField("approval_requested"):
                client.SubmitApproval(orchestrator_pb2.SubmitApprovalRequest(
                    approval_id=event.approval_requested.approval_id, approve=True, reason="python grpcio"), timeout=30)
        run = client.GetRun(orchestrator_pb2.GetRunRequest(run_id=started.run_id), timeout=30)
        print(json.dumps({"final": json_format.MessageToDict(run, preserving_proto_field_name=True)}), flush=True)
except grpc.RpcError as error:
    print(f"{error.code().name}: {error.details()}", file=sys.stderr)
    sys.exit(2)
