"""grpcio interop server for the CompressedResponse feature (grpc's interop-test-descriptions.md).

Usage: /usr/bin/python3 python-compression-server.py --port=P   (P=0 picks a free port)
Prints {"port": N} once listening; runs until killed.

Serves UnaryCall and StreamingOutputCall of grpc.testing.TestService, which is all that
server_compressed_unary and server_compressed_streaming call; every other method is UNIMPLEMENTED.
Each call announces gzip and then picks every message's compressed flag: UnaryCall from
response_compressed, StreamingOutputCall from each ResponseParameters.compressed. CompressedRequest
(expect_compressed) is not served: grpcio decompresses before the handler and tells it nothing of
a message's compressed flag.

Needs the stubs tests/interop/peers/prepare.sh generates under tests/interop/.peers/python.
"""

import argparse
import json
import os
import sys
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".peers", "python"))
from src.proto.grpc.testing import messages_pb2, test_pb2_grpc  # noqa: E402


def zeros(size):
    return messages_pb2.Payload(type=messages_pb2.COMPRESSABLE, body=bytes(size))


def compress_next(context, compressed):
    """Sends the next message compressed (the call's gzip) or, when compressed is false, with flag 0."""
    if not compressed:
        context.disable_next_message_compression()


class CompressionTestService(test_pb2_grpc.TestServiceServicer):

    def UnaryCall(self, request, context):
        context.set_compression(grpc.Compression.Gzip)
        compress_next(context, request.response_compressed.value)
        return messages_pb2.SimpleResponse(payload=zeros(request.response_size))

    def StreamingOutputCall(self, request, context):
        context.set_compression(grpc.Compression.Gzip)
        for parameters in request.response_parameters:
            time.sleep(parameters.interval_us / 1e6)
            compress_next(context, parameters.compressed.value)
            yield messages_pb2.StreamingOutputCallResponse(payload=zeros(parameters.size))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    test_pb2_grpc.add_TestServiceServicer_to_server(CompressionTestService(), server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print(json.dumps({"port": bound}), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
