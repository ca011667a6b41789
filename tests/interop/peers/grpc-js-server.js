// grpc-js interop server: grpc.testing.TestService per grpc's interop-test-descriptions.md.
// Usage: node grpc-js-server.js --port=P [--use_tls=false]   (P=0 picks a free port)
// Prints {"port": N} once listening; runs until killed.
// Features: EmptyCall, UnaryCall, StreamingOutputCall (interval_us), StreamingInputCall,
// FullDuplexCall, HalfDuplexCall, Echo Status, Echo Metadata. grpc-js neither compresses responses
// nor tells a handler whether a request message was compressed, so CompressedResponse and
// CompressedRequest (response_compressed, expect_compressed) are not served: like the official
// Python and Ruby servers, this server ignores those fields. UnimplementedService is not registered.
const { grpc, testing, parseFlags } = require('./grpc-js-protos');

const flags = parseFlags(process.argv.slice(2), ['port', 'use_tls']);
const echoInitialKey = 'x-grpc-test-echo-initial';
const echoTrailingKey = 'x-grpc-test-echo-trailing-bin';

function zeros(size) {
  return { type: 'COMPRESSABLE', body: Buffer.alloc(size) };
}

/** Echo Metadata: sends the initial value back now; returns trailers carrying the trailing one. */
function echoMetadata(call) {
  const initial = call.metadata.get(echoInitialKey);
  if (initial.length > 0) {
    const headers = new grpc.Metadata();
    headers.set(echoInitialKey, initial[0]);
    call.sendMetadata(headers);
  }
  const trailers = new grpc.Metadata();
  const trailing = call.metadata.get(echoTrailingKey);
  if (trailing.length > 0) trailers.set(echoTrailingKey, trailing[0]);
  return trailers;
}

/** Echo Status: the error to end the call with, or null. */
function echoedStatus(request, trailers) {
  const status = request.response_status;
  if (!status || !status.code) return null;
  return { code: status.code, details: status.message, metadata: trailers };
}

function sleepMicroseconds(us) {
  return new Promise((resolve) => setTimeout(resolve, us / 1000));
}

async function respond(call, request) {
  for (const parameters of request.response_parameters) {
    if (parameters.interval_us > 0) await sleepMicroseconds(parameters.interval_us);
    if (call.cancelled) return;
    call.write({ payload: zeros(parameters.size) });
  }
}

/** Runs a streaming handler body; ends the call with its trailers, or with the error it threw. */
function stream(body) {
  return (call) => {
    const trailers = echoMetadata(call);
    body(call, trailers).then(
      () => call.end(trailers),
      (error) => call.emit('error', error.code !== undefined ? error : { code: grpc.status.UNKNOWN, details: String(error) }));
  };
}

/** The request messages of `call`, one at a time (await next() → message or null at the end). */
function reader(call) {
  const queue = [];
  let waiting = null;
  let ended = false;
  call.on('data', (message) => (waiting ? (waiting(message), (waiting = null)) : queue.push(message)));
  const finish = () => { ended = true; if (waiting) { waiting(null); waiting = null; } };
  call.on('end', finish);
  call.on('cancelled', finish);
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift())
      : ended ? Promise.resolve(null) : new Promise((resolve) => { waiting = resolve; })),
  };
}

const server = new grpc.Server();
server.addService(testing.TestService.service, {
  EmptyCall(call, callback) {
    callback(null, {}, echoMetadata(call));
  },
  UnaryCall(call, callback) {
    const trailers = echoMetadata(call);
    const status = echoedStatus(call.request, trailers);
    if (status) return callback(status);
    callback(null, { payload: zeros(call.request.response_size) }, trailers);
  },
  CacheableUnaryCall(call, callback) {
    const headers = new grpc.Metadata();
    headers.set('cache-control', 'max-age=60, public');
    call.sendMetadata(headers);
    callback(null, { payload: { type: 'COMPRESSABLE', body: Buffer.from(String(process.hrtime.bigint())) } });
  },
  StreamingOutputCall: stream(async (call, trailers) => {
    const status = echoedStatus(call.request, trailers);
    if (status) throw status;
    await respond(call, call.request);
  }),
  StreamingInputCall(call, callback) {
    let total = 0;
    call.on('data', (request) => { total += request.payload ? request.payload.body.length : 0; });
    call.on('end', () => callback(null, { aggregated_payload_size: total }));
  },
  FullDuplexCall: stream(async (call, trailers) => {
    const requests = reader(call);
    for (let request = await requests.next(); request; request = await requests.next()) {
      const status = echoedStatus(request, trailers);
      if (status) throw status;
      await respond(call, request);
    }
  }),
  HalfDuplexCall: stream(async (call, trailers) => {
    const requests = reader(call);
    const all = [];
    for (let request = await requests.next(); request; request = await requests.next()) all.push(request);
    for (const request of all) {
      const status = echoedStatus(request, trailers);
      if (status) throw status;
      await respond(call, request);
    }
  }),
});

server.bindAsync(`0.0.0.0:${flags.port || 0}`, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(String(error) + '\n');
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
