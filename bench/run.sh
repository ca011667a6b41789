#!/usr/bin/env bash
# Benchmark: unary requests/s and server-streaming messages/s of the AgentMesh gRPC server against
# grpc-js, Python grpcio and a bare Kestrel handler, driven by h2load; plus the AgentMesh client
# driving the AgentMesh server. Prints a markdown table of medians. See bench/README.md.
#
# Settings (environment): RUNS (10), DURATION seconds per measurement (3), WARMUP seconds per
# server and kind before the runs (5), PAUSE seconds between measurements (1), CONNECTIONS (4),
# STREAMS per connection (32), STREAM_COUNT messages per streaming call (100), PAYLOAD_SIZE bytes
# per streamed message (64), PIN (1: servers on CPU 1, load generators on CPU 0), PRIORITY (rt:
# servers and load generators run under SCHED_RR, needs root; normal: ordinary scheduling).
set -euo pipefail
cd "$(dirname "$0")"
bench=$(pwd)

RUNS=${RUNS:-10}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-5}
PAUSE=${PAUSE:-1}
CONNECTIONS=${CONNECTIONS:-4}
STREAMS=${STREAMS:-32}
STREAM_COUNT=${STREAM_COUNT:-100}
PAYLOAD_SIZE=${PAYLOAD_SIZE:-64}
PIN=${PIN:-1}
PRIORITY=${PRIORITY:-rt}
PYTHON=/usr/bin/python3

fail() { echo "bench: $*" >&2; exit 1; }
for tool in h2load nghttp protoc grpc_python_plugin node dotnet taskset; do
  command -v "$tool" >/dev/null || fail "$tool is missing (see bench/README.md, Prerequisites)"
done
"$PYTHON" -c 'import grpc' 2>/dev/null || fail "$PYTHON has no grpc module (Debian package python3-grpcio)"
[ -d ../node_modules/@grpc/grpc-js ] || fail "node_modules/@grpc/grpc-js is missing: run npm ci at the repository root"

# server_cpu / load_cpu: the command prefixes that place a server / a load generator.
server_cpu=()
load_cpu=()
if [ "$PRIORITY" = rt ]; then
  chrt -r 10 true 2>/dev/null || fail "PRIORITY=rt needs root (SCHED_RR); run as root or with PRIORITY=normal"
  server_cpu=(chrt -r 10)
  load_cpu=(chrt -r 10)
fi
if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  server_cpu+=(taskset -c 1)
  load_cpu+=(taskset -c 0)
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

# start NAME COMMAND...: starts a server placed by server_cpu; sets port_NAME from its
# {"port": N} line and pid_NAME.
start() {
  local name=$1; shift
  "${server_cpu[@]}" "$@" >"$results/$name.server.out" 2>"$results/$name.server.err" &
  pids+=($!)
  printf -v "pid_$name" '%s' "$!"
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
# cpu_ticks SERVER: user+system CPU time of the server process so far, in clock ticks.
cpu_ticks() { local var="pid_$1"; awk '{print $14 + $15}' "/proc/${!var}/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

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

# h2load_run SERVER KIND SECONDS: prints "calls/s server-CPU-us/call"; fails unless every
# request succeeded with HTTP 2xx. No h2load warm-up phase: the servers are warm (see below), and
# so every completed call is counted against the CPU the server used meanwhile.
h2load_run() {
  local server=$1 kind=$2 seconds=$3 path out before after
  path=$([ "$kind" = call ] && echo $path_call || echo $path_stream)
  out=$(mktemp -p "$results" "$server.$kind.XXXX.h2load")
  before=$(cpu_ticks "$server")
  "${load_cpu[@]}" h2load -c "$CONNECTIONS" -m "$STREAMS" -t 1 -D "$seconds" \
    -d "$gen/$kind.request" "${grpc_headers[@]}" "http://127.0.0.1:$(port_of "$server")$path" >"$out" 2>&1 \
    || fail "$server $kind: h2load failed (see $out)"
  after=$(cpu_ticks "$server")
  local done succeeded failed errored ok
  read -r done succeeded failed errored < <(sed -nE 's/^requests: .* ([0-9]+) done, ([0-9]+) succeeded, ([0-9]+) failed, ([0-9]+) errored.*/\1 \2 \3 \4/p' "$out")
  ok=$(sed -nE 's/^status codes: ([0-9]+) 2xx.*/\1/p' "$out")
  [ -n "$done" ] && [ "$done" -gt 0 ] || fail "$server $kind: h2load completed no request (see $out)"
  [ "$failed" -eq 0 ] && [ "$errored" -eq 0 ] && [ "$succeeded" -eq "$done" ] \
    || fail "$server $kind: h2load reports $failed failed, $errored errored of $done (see $out)"
  # The final in-flight requests can be counted as done before their status is tallied.
  [ $((done - ok)) -le $((CONNECTIONS * STREAMS)) ] || fail "$server $kind: only $ok of $done requests got HTTP 2xx (see $out)"
  echo "$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' "$out") $(awk -v t=$(( (after - before) * tick_us )) -v n="$done" 'BEGIN { printf "%.3f", t / n }')"
}

# client_run KIND: the AgentMesh client against the AgentMesh server; prints "calls/s
# server-CPU-us/call". A run whose client dies without a report (exit status and output kept in
# the results) is repeated once.
client_run() {
  local kind=$1 out before after status
  for attempt in 1 2; do
    out="$results/client.$kind.$run.$attempt.json"
    before=$(cpu_ticks agentmesh)
    status=0
    "${load_cpu[@]}" dotnet "$client_dll" load "http://127.0.0.1:$port_agentmesh" "$kind" \
      --connections "$CONNECTIONS" --streams "$STREAMS" --duration "$DURATION" --warmup 1 \
      --stream-count "$STREAM_COUNT" --payload-size "$PAYLOAD_SIZE" >"$out" 2>&1 || status=$?
    after=$(cpu_ticks agentmesh)
    if [ "$status" = 0 ]; then
      "$PYTHON" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["requests"]/r["seconds"], int(sys.argv[2])/r["total"])' \
        "$out" $(( (after - before) * tick_us ))
      return
    fi
    grep -q '"failed"' "$out" && break   # calls failed: a real error, not worth repeating
    echo "bench: AgentMesh client $kind exited with status $status and no report; repeating" >&2
  done
  fail "AgentMesh client $kind: exit status $status (see $out)"
}

echo "== warm up (JIT, connection pools)" >&2
for server in "${servers[@]}"; do
  h2load_run "$server" call "$WARMUP" >/dev/null
  h2load_run "$server" stream "$WARMUP" >/dev/null
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
samples="$results/samples.tsv"
: >"$samples"
# measure RUN SERVER KIND: one sample line "run server kind calls/s cpu-us/call".
measure() {
  local result rate cpu
  sleep "$PAUSE"
  if [ "$2" = client ]; then result=$(client_run "$3"); else result=$(h2load_run "$2" "$3" "$DURATION"); fi
  read -r rate cpu <<<"$result"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$rate" "$cpu" >>"$samples"
}

for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS" >&2
  # Every server once per run and kind; servers compared with each other are measured back to
  # back, first one then the other on alternate runs, and the ratios are taken within a run, so
  # a change in background load (this machine is shared) hits both sides alike.
  for kind in call stream; do
    if [ $((run % 2)) = 1 ]; then pairs=("bare agentmesh" "grpcjs python"); else pairs=("agentmesh bare" "python grpcjs"); fi
    for pair in "${pairs[@]}" client; do
      for server in $pair; do measure "$run" "$server" "$kind"; done
    done
  done
done

{
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), Linux $(uname -r); .NET SDK $(dotnet --version), node $(node --version), @grpc/grpc-js $(node -p 'require("@grpc/grpc-js/package.json").version'), grpcio $("$PYTHON" -c 'import grpc; print(grpc.__version__)'), $(h2load --version | head -1); load average before the runs: $load_before."
  echo
} | tee "$results/table.md"
"$PYTHON" - "$samples" "$STREAM_COUNT" "$RUNS" "$CONNECTIONS" "$STREAMS" "$DURATION" "$PAYLOAD_SIZE" "$PRIORITY" "${#load_cpu[@]}" <<'EOF' | tee -a "$results/table.md"
# Medians of the samples as a markdown table. Streaming: messages/s = completed calls/s x count,
# CPU per message = CPU per call / count.
import statistics, sys
from collections import defaultdict
path, count, runs, connections, streams, duration, payload, priority, placed = sys.argv[1:]
count = int(count)
rates, cpus, by_run = defaultdict(list), defaultdict(list), defaultdict(dict)
for line in open(path):
    run, server, kind, rate, cpu = line.split()
    per = count if kind == "stream" else 1
    rates[server, kind].append(float(rate) * per)
    cpus[server, kind].append(float(cpu) / per)
    by_run[run][server, kind] = float(rate) * per
median = {key: statistics.median(values) for key, values in rates.items()}
names = {
    "bare": "bare Kestrel handler (floor)",
    "agentmesh": "AgentMesh server",
    "grpcjs": "grpc-js server",
    "python": "Python grpcio server (aio)",
    "client": "AgentMesh client → AgentMesh server",
}
def paired_ratio(key, base):
    # Median over runs of the ratio within each run (both measured minutes apart at most).
    return statistics.median(run[key] / run[base] for run in by_run.values())
def ratio(key, base):
    return f"{paired_ratio(key, base):.2f}×"
def rate(key):
    return f"{median[key]:,.0f} ({min(rates[key]):,.0f}–{max(rates[key]):,.0f})"
def cpu(key):
    value = statistics.median(cpus[key])
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"
print(f"h2load -c {connections} -m {streams} -t 1, {duration} s per run, median of {runs} interleaved runs (min–max); "
      + f"scheduling: {priority}" + (", servers on CPU 1, load generator on CPU 0" if placed != "0" else "")
      + f"; streaming: {count} messages of {payload} bytes per call. Ratios: median of the ratios within each run."
      + " CPU = server process CPU time per call / per message (median).")
print()
print("| server | unary calls/s | ÷ grpc-js | ÷ bare | CPU µs/call | streamed messages/s | ÷ grpc-js | ÷ bare | CPU µs/msg |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for server in ["bare", "agentmesh", "grpcjs", "python", "client"]:
    cells = [names[server]]
    for kind in ["call", "stream"]:
        key = (server, kind)
        cells += [rate(key), ratio(key, ("grpcjs", kind)), ratio(key, ("bare", kind)), cpu(key)]
    print("| " + " | ".join(cells) + " |")
print()
unary_js = paired_ratio(("agentmesh", "call"), ("grpcjs", "call"))
unary_bare = paired_ratio(("agentmesh", "call"), ("bare", "call"))
print(f"Targets (unary calls/s): AgentMesh ≥ 3× grpc-js: {unary_js:.2f}× {'met' if unary_js >= 3 else 'NOT met'}; "
      f"≥ 85% of bare Kestrel: {unary_bare:.0%} {'met' if unary_bare >= 0.85 else 'NOT met'}.")
EOF
echo "raw output: $results" >&2
