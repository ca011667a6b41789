#!/usr/bin/env bash
# Benchmark: unary requests/s and server-streaming messages/s of the AgentMesh gRPC server against
# grpc-js, Python grpcio and a bare Kestrel handler, driven by h2load; plus the AgentMesh client
# driving the AgentMesh server. Prints a markdown table of medians. See bench/README.md.
#
# Settings (environment): RUNS (5), DURATION seconds per measurement (8), WARMUP seconds (2),
# CONNECTIONS (4), STREAMS per connection (32), STREAM_COUNT messages per streaming call (100),
# PAYLOAD_SIZE bytes per streamed message (64), PIN (1: servers on CPU 1, load generators on CPU 0).
set -euo pipefail
cd "$(dirname "$0")"
bench=$(pwd)

RUNS=${RUNS:-5}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-4}
STREAMS=${STREAMS:-32}
STREAM_COUNT=${STREAM_COUNT:-100}
PAYLOAD_SIZE=${PAYLOAD_SIZE:-64}
PIN=${PIN:-1}
PYTHON=/usr/bin/python3

fail() { echo "bench: $*" >&2; exit 1; }
for tool in h2load nghttp protoc grpc_python_plugin node dotnet taskset; do
  command -v "$tool" >/dev/null || fail "$tool is missing (see bench/README.md, Prerequisites)"
done
"$PYTHON" -c 'import grpc' 2>/dev/null || fail "$PYTHON has no grpc module (Debian package python3-grpcio)"
[ -d ../node_modules/@grpc/grpc-js ] || fail "node_modules/@grpc/grpc-js is missing: run npm ci at the repository root"

if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 1)
  load_cpu=(taskset -c 0)
else
  server_cpu=()
  load_cpu=()
fi

gen="$bench/.gen"
results="$bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$gen" "$results"

echo "== build (Release)" >&2
dotnet build -c Release -v q --nologo AgentMesh.Bench.Server/AgentMesh.Bench.Server.csproj >"$results/build-server.log" 2>&1 \
  || { cat "$results/build-server.log" >&2; fail "server build failed"; }
dotnet build -c Release -v q --nologo AgentMesh.Bench.Client/AgentMesh.Bench.Client.csproj >"$results/build-client.log" 2>&1 \
  || { cat "$results/build-client.log" >&2; fail "client build failed"; }
server_dll=AgentMesh.Bench.Server/bin/Release/net10.0/AgentMesh.Bench.Server.dll
client_dll=AgentMesh.Bench.Client/bin/Release/net10.0/AgentMesh.Bench.Client.dll

echo "== Python stubs and request bodies" >&2
protoc -I protos --python_out="$gen" --grpc_out="$gen" --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" protos/bench.proto
"$PYTHON" - "$gen" "$STREAM_COUNT" "$PAYLOAD_SIZE" <<'EOF'
# Length-prefixed gRPC messages: the request bodies h2load sends, and the exact response bodies
# every server must return for them.
import struct, sys
gen, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, gen)
import bench_pb2
def frame(message):
    body = message.SerializeToString()
    return b"\0" + struct.pack(">I", len(body)) + body
open(f"{gen}/call.request", "wb").write(frame(bench_pb2.Empty()))
open(f"{gen}/call.response", "wb").write(frame(bench_pb2.Empty()))
open(f"{gen}/stream.request", "wb").write(frame(bench_pb2.StreamRequest(count=count, payload_size=size)))
open(f"{gen}/stream.response", "wb").write(frame(bench_pb2.Chunk(payload=bytes(size))) * count)
EOF

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# start NAME COMMAND...: starts a server pinned to the server CPU; sets port_NAME from its {"port": N} line.
start() {
  local name=$1; shift
  "${server_cpu[@]}" "$@" >"$results/$name.server.out" 2>"$results/$name.server.err" &
  pids+=($!)
  for _ in $(seq 1 300); do
    local port
    port=$(grep -oE '"port": ?[0-9]+' "$results/$name.server.out" 2>/dev/null | grep -oE '[0-9]+$' || true)
    if [ -n "$port" ]; then printf -v "port_$name" '%s' "$port"; return; fi
    sleep 0.1
  done
  cat "$results/$name.server.err" >&2
  fail "$name server did not start"
}

echo "== start servers" >&2
start bare dotnet "$server_dll" bare --stream-count "$STREAM_COUNT" --payload-size "$PAYLOAD_SIZE"
start agentmesh dotnet "$server_dll" agentmesh
start grpcjs node servers/grpc-js-server.js
start python "$PYTHON" servers/python_server.py "$gen"
servers=(bare agentmesh grpcjs python)
port_of() { local var="port_$1"; echo "${!var}"; }

path_call=/agentmesh.bench.Bench/Call
path_stream=/agentmesh.bench.Bench/Stream
grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers')

# check SERVER KIND: the exact request h2load sends, through nghttp: HTTP 200, grpc-status 0 and
# a response body byte-identical to the expected one.
check() {
  local server=$1 kind=$2 path out
  path=$([ "$kind" = call ] && echo $path_call || echo $path_stream)
  out="$results/$server.$kind.check"
  nghttp -v -d "$gen/$kind.request" "${grpc_headers[@]}" "http://127.0.0.1:$(port_of "$server")$path" >"$out.log" 2>&1 \
    || fail "$server $kind: nghttp failed (see $out.log)"
  grep -q ':status: 200' "$out.log" || fail "$server $kind: HTTP status is not 200 (see $out.log)"
  grep -q 'grpc-status: 0' "$out.log" || fail "$server $kind: no grpc-status 0 (see $out.log)"
  nghttp -d "$gen/$kind.request" "${grpc_headers[@]}" "http://127.0.0.1:$(port_of "$server")$path" >"$out.body" 2>/dev/null
  cmp -s "$out.body" "$gen/$kind.response" || fail "$server $kind: response body differs from the expected messages"
}

echo "== check every server (nghttp with the benchmark's requests; the AgentMesh client)" >&2
for server in "${servers[@]}"; do
  check "$server" call
  check "$server" stream
  dotnet "$client_dll" check "http://127.0.0.1:$(port_of "$server")" --stream-count "$STREAM_COUNT" --payload-size "$PAYLOAD_SIZE" \
    >>"$results/checks.log" 2>&1 || fail "$server: the AgentMesh client's check failed (see $results/checks.log)"
done

# h2load_run SERVER KIND SECONDS: prints requests/s; fails unless every request succeeded with HTTP 2xx.
h2load_run() {
  local server=$1 kind=$2 seconds=$3 path out
  path=$([ "$kind" = call ] && echo $path_call || echo $path_stream)
  out=$(mktemp -p "$results" "$server.$kind.XXXX.h2load")
  "${load_cpu[@]}" h2load -c "$CONNECTIONS" -m "$STREAMS" -t 1 -D "$seconds" --warm-up-time "$WARMUP" \
    -d "$gen/$kind.request" "${grpc_headers[@]}" "http://127.0.0.1:$(port_of "$server")$path" >"$out" 2>&1 \
    || fail "$server $kind: h2load failed (see $out)"
  local done succeeded failed errored ok
  read -r done succeeded failed errored < <(sed -nE 's/^requests: .* ([0-9]+) done, ([0-9]+) succeeded, ([0-9]+) failed, ([0-9]+) errored.*/\1 \2 \3 \4/p' "$out")
  ok=$(sed -nE 's/^status codes: ([0-9]+) 2xx.*/\1/p' "$out")
  [ -n "$done" ] && [ "$done" -gt 0 ] || fail "$server $kind: h2load completed no request (see $out)"
  [ "$failed" -eq 0 ] && [ "$errored" -eq 0 ] && [ "$succeeded" -eq "$done" ] \
    || fail "$server $kind: h2load reports $failed failed, $errored errored of $done (see $out)"
  # The final in-flight requests can be counted as done before their status is tallied.
  [ $((done - ok)) -le $((CONNECTIONS * STREAMS)) ] || fail "$server $kind: only $ok of $done requests got HTTP 2xx (see $out)"
  sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' "$out"
}

# client_run KIND: the AgentMesh client against the AgentMesh server; prints requests/s.
client_run() {
  local kind=$1 out
  out="$results/client.$kind.$run.json"
  "${load_cpu[@]}" dotnet "$client_dll" load "http://127.0.0.1:$port_agentmesh" "$kind" \
    --connections "$CONNECTIONS" --streams "$STREAMS" --duration "$DURATION" --warmup "$WARMUP" \
    --stream-count "$STREAM_COUNT" --payload-size "$PAYLOAD_SIZE" >"$out" 2>&1 \
    || fail "AgentMesh client $kind: calls failed (see $out)"
  "$PYTHON" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["requests"]/r["seconds"])' "$out"
}

echo "== warm up (JIT, connection pools)" >&2
for server in "${servers[@]}"; do
  h2load_run "$server" call 3 >/dev/null
  h2load_run "$server" stream 3 >/dev/null
done

samples="$results/samples.tsv"
: >"$samples"
for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS" >&2
  # Interleaved: every server is measured once per run, so background load hits all alike.
  for server in "${servers[@]}"; do
    for kind in call stream; do
      rate=$(h2load_run "$server" "$kind" "$DURATION")
      printf '%s\t%s\t%s\n' "$server" "$kind" "$rate" >>"$samples"
    done
  done
  for kind in call stream; do
    rate=$(client_run "$kind")
    printf '%s\t%s\t%s\n' client "$kind" "$rate" >>"$samples"
  done
done

"$PYTHON" - "$samples" "$STREAM_COUNT" "$RUNS" "$CONNECTIONS" "$STREAMS" "$DURATION" "${#load_cpu[@]}" "$PAYLOAD_SIZE" <<'EOF' | tee "$results/table.md"
# Medians of the samples as a markdown table; streaming messages/s = completed calls/s x count.
import statistics, sys
from collections import defaultdict
path, count, runs, connections, streams, duration, pinned, payload = sys.argv[1:]
count = int(count)
samples = defaultdict(list)
for line in open(path):
    server, kind, rate = line.split("\t")
    samples[server, kind].append(float(rate) * (count if kind == "stream" else 1))
median = {key: statistics.median(values) for key, values in samples.items()}
spread = {key: (min(values), max(values)) for key, values in samples.items()}
names = {
    "bare": "bare Kestrel handler (floor)",
    "agentmesh": "AgentMesh server",
    "grpcjs": "grpc-js server",
    "python": "Python grpcio server (aio)",
    "client": "AgentMesh client → AgentMesh server",
}
def ratio(key, base):
    return f"{median[key] / median[base]:.2f}×"
def rate(key):
    low, high = spread[key]
    return f"{median[key]:,.0f} ({low:,.0f}–{high:,.0f})"
print(f"h2load -c {connections} -m {streams} -t 1, {duration} s per run, median of {runs} runs (min–max); "
      + ("servers pinned to CPU 1, load generator to CPU 0" if pinned != "0" else "no CPU pinning")
      + f"; streaming: {count} messages of {payload} bytes per call.")
print()
print("| server | unary requests/s | ÷ grpc-js | ÷ bare Kestrel | streaming messages/s | ÷ grpc-js | ÷ bare Kestrel |")
print("|---|---:|---:|---:|---:|---:|---:|")
for server in ["bare", "agentmesh", "grpcjs", "python", "client"]:
    cells = [names[server]]
    for kind in ["call", "stream"]:
        key = (server, kind)
        cells += [rate(key), ratio(key, ("grpcjs", kind)), ratio(key, ("bare", kind))]
    print("| " + " | ".join(cells) + " |")
print()
unary_js = median["agentmesh", "call"] / median["grpcjs", "call"]
unary_bare = median["agentmesh", "call"] / median["bare", "call"]
print(f"Targets (unary): AgentMesh ≥ 3× grpc-js: {unary_js:.2f}× {'met' if unary_js >= 3 else 'NOT met'}; "
      f"≥ 85% of bare Kestrel: {unary_bare:.0%} {'met' if unary_bare >= 0.85 else 'NOT met'}.")
EOF
echo "raw output: $results" >&2
