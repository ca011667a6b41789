"""grpcio Echo server on 127.0.0.1 (free port) that gzip-compresses every response message.

Echoes the request bytes as the reply: EchoRequest and EchoReply share field 1 (message), so a
reply carries the request's message. Prints {"port": N} once listening; runs until killed.
Run with Debian's /usr/bin/python3 (python3-grpcio).
"""
import json
import sys
from concurrent import futures

import grpc


def unary(request, context):
    context.set_compression(grpc.Compression.Gzip)
    return request


def server_stream(request, context):
    context.set_compression(grpc.Compression.Gzip)
    for _ in range(2):
        yield request


def main():
    handler = grpc.method_handlers_generic_handler('agentmesh.test.Echo', {
        'Unary': grpc.unary_unary_rpc_method_handler(unary),
        'ServerStream': grpc.unary_stream_rpc_method_handler(server_stream),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), compression=grpc.Compression.Gzip)
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port('127.0.0.1:0')
    server.start()
    print(json.dumps({'port': port}), flush=True)
    server.wait_for_termination()


if __name__ == '__main__':
    sys.exit(main())
