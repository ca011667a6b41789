"""The benchmark service on Python grpcio (asyncio API), 127.0.0.1, free port, h2c.

Run with Debian's /usr/bin/python3 (python3-grpcio); the stubs come from protoc and
grpc_python_plugin (bench/run.sh generates them into the directory given as the first argument).
Prints {"port": N} once listening; runs until killed.
"""
import asyncio
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import bench_pb2  # noqa: E402
import bench_pb2_grpc  # noqa: E402


class Bench(bench_pb2_grpc.BenchServicer):
    def __init__(self):
        self._empty = bench_pb2.Empty()
        self._chunks = {}

    async def Call(self, request, context):
        return self._empty

    async def Stream(self, request, context):
        chunk = self._chunks.get(request.payload_size)
        if chunk is None:
            chunk = self._chunks[request.payload_size] = bench_pb2.Chunk(payload=bytes(request.payload_size))
        for _ in range(request.count):
            yield chunk


async def main():
    server = grpc.aio.server()
    bench_pb2_grpc.add_BenchServicer_to_server(Bench(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(json.dumps({"port": port}), flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(main())
