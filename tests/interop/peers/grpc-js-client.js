// grpc-js interop client: the test cases of grpc's interop-test-descriptions.md.
// Usage: node grpc-js-client.js --server_host=H --server_port=P --test_case=X [--use_tls=false]
// Exit 0 when the case passed; 1 with the reason on stderr when it failed; 2 for a bad command line.
// grpc-js does not expose a response message's compressed flag, so server_compressed_* check
// sizes only; requests are compressed with the channel option grpc.default_compression_algorithm
// (2 = gzip; grpc-js has no per-call choice, so uncompressed calls use a second channel).
const assert = require('assert');
const { grpc, testing, parseFlags } = require('./grpc-js-protos');

const flags = parseFlags(process.argv.slice(2), [
  'server_host', 'server_port', 'test_case', 'use_tls', 'server_host_override', 'use_test_ca',
  'default_service_account', 'oauth_scope', 'service_account_key_file', 'service_config_json',
]);
const target = `${flags.server_host || 'localhost'}:${flags.server_port}`;
const insecure = grpc.credentials.createInsecure();
const client = new testing.TestService(target, insecure);
const gzipClient = new testing.TestService(target, insecure, { 'grpc.default_compression_algorithm': 2 /* gzip */ });
const unimplementedClient = new testing.UnimplementedService(target, insecure);
const noCompress = 2; // grpc-js WriteFlags.NoCompress, passed as a write's encoding argument

const zeros = (size) => ({ type: 'COMPRESSABLE', body: Buffer.alloc(size) });
const largeUnaryRequest = (extra) => ({ response_type: 'COMPRESSABLE', response_size: 314159, payload: zeros(271828), ...extra });
const pingPongRequest = (payloadSize, responseSize) => ({
  response_type: 'COMPRESSABLE', response_parameters: [{ size: responseSize }], payload: zeros(payloadSize),
});

/** A unary call: resolves {response, headers, trailers} or rejects with the grpc-js error. */
function unary(stub, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise((resolve, reject) => {
    let headers;
    const call = stub[method](request, metadata, options, (error, response) => {
      if (error) reject(error);
      else call.on('status', (status) => resolve({ response, headers, trailers: status.metadata }));
    });
    call.on('metadata', (received) => { headers = received; });
  });
}

/** Collects the responses of a readable call: resolves {responses, headers, trailers} or rejects with its error. */
function collect(call) {
  return new Promise((resolve, reject) => {
    const responses = [];
    let headers;
    call.on('metadata', (received) => { headers = received; });
    call.on('data', (response) => responses.push(response));
    call.on('error', reject);
    call.on('status', (status) => { if (status.code === grpc.status.OK) resolve({ responses, headers, trailers: status.metadata }); });
  });
}

/** Resolves the next response of a duplex call (or null at its end); rejects with the call's error. */
function nextResponse(call) {
  return new Promise((resolve, reject) => {
    const cleanup = () => { call.off('data', onData); call.off('end', onEnd); call.off('error', onError); };
    const onData = (response) => { cleanup(); call.pause(); resolve(response); };
    const onEnd = () => { cleanup(); resolve(null); };
    const onError = (error) => { cleanup(); reject(error); };
    call.on('data', onData);
    call.on('end', onEnd);
    call.on('error', onError);
    call.resume();
  });
}

/** A client-streaming call writing `requests` ([message, writeFlags]) then half-closing. */
function clientStream(stub, requests, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => {
    const call = stub.StreamingInputCall(metadata, (error, response) => (error ? reject(error) : resolve(response)));
    for (const [message, writeFlags] of requests) call.write(message, writeFlags);
    call.end();
  });
}

async function expectStatus(promise, code, what) {
  try {
    await promise;
  } catch (error) {
    assert.strictEqual(error.code, code, `${what}: expected status ${code}, got ${error.code} "${error.details}"`);
    return error;
  }
  assert.fail(`${what}: expected status ${code}, but the call succeeded`);
}

function expectPayload(payload, size, what) {
  assert.ok(payload, `${what}: no payload`);
  assert.strictEqual(payload.type, 'COMPRESSABLE', `${what}: payload type ${payload.type}`);
  assert.strictEqual(payload.body.length, size, `${what}: expected ${size} bytes, got ${payload.body.length}`);
  assert.ok(payload.body.every((b) => b === 0), `${what}: the payload body is not all zeros`);
}

function expectPayloads(responses, sizes, what) {
  assert.strictEqual(responses.length, sizes.length, `${what}: expected ${sizes.length} responses, got ${responses.length}`);
  sizes.forEach((size, i) => expectPayload(responses[i].payload, size, `${what} response ${i + 1}`));
}

async function echoStatus(message, what, alsoDuplex) {
  const status = { code: grpc.status.UNKNOWN, message };
  const error = await expectStatus(unary(client, 'UnaryCall', { response_size: 1, payload: zeros(1), response_status: status }),
    grpc.status.UNKNOWN, `${what} UnaryCall`);
  assert.strictEqual(error.details, message, `${what} UnaryCall: status message`);
  if (!alsoDuplex) return;
  const call = client.FullDuplexCall();
  call.write({ ...pingPongRequest(1, 1), response_status: status });
  call.end();
  const duplexError = await expectStatus(collect(call), grpc.status.UNKNOWN, `${what} FullDuplexCall`);
  assert.strictEqual(duplexError.details, message, `${what} FullDuplexCall: status message`);
}

const requestSizes = [27182, 8, 1828, 45904];
const responseSizes = [31415, 9, 2653, 58979];

const cases = {
  async empty_unary() {
    const { response } = await unary(client, 'EmptyCall', {});
    assert.ok(response, 'empty_unary: no response');
  },
  async large_unary() {
    const { response } = await unary(client, 'UnaryCall', largeUnaryRequest());
    expectPayload(response.payload, 314159, 'large_unary');
  },
  async client_streaming() {
    const response = await clientStream(client, requestSizes.map((size) => [{ payload: zeros(size) }]));
    assert.strictEqual(response.aggregated_payload_size, 74922, 'client_streaming: aggregated_payload_size');
  },
  async server_streaming() {
    const call = client.StreamingOutputCall({ response_type: 'COMPRESSABLE', response_parameters: responseSizes.map((size) => ({ size })) });
    expectPayloads((await collect(call)).responses, responseSizes, 'server_streaming');
  },
  async ping_pong() {
    const call = client.FullDuplexCall();
    for (let i = 0; i < requestSizes.length; i++) {
      call.write(pingPongRequest(requestSizes[i], responseSizes[i]));
      const response = await nextResponse(call);
      assert.ok(response, `ping_pong: the stream ended before response ${i + 1}`);
      expectPayload(response.payload, responseSizes[i], `ping_pong response ${i + 1}`);
    }
    call.end();
    assert.strictEqual(await nextResponse(call), null, 'ping_pong: more than four responses');
  },
  async empty_stream() {
    const call = client.FullDuplexCall();
    call.end();
    assert.strictEqual((await collect(call)).responses.length, 0, 'empty_stream: expected no response');
  },
  async cancel_after_begin() {
    const result = new Promise((resolve, reject) => {
      const call = client.StreamingInputCall((error, response) => (error ? reject(error) : resolve(response)));
      call.cancel();
    });
    await expectStatus(result, grpc.status.CANCELLED, 'cancel_after_begin');
  },
  async cancel_after_first_response() {
    const call = client.FullDuplexCall();
    call.write(pingPongRequest(27182, 31415));
    assert.ok(await nextResponse(call), 'cancel_after_first_response: no first response');
    const ended = nextResponse(call);
    call.cancel();
    await expectStatus(ended, grpc.status.CANCELLED, 'cancel_after_first_response');
  },
  async timeout_on_sleeping_server() {
    const call = client.FullDuplexCall({ deadline: Date.now() + 1 });
    call.write({ payload: zeros(27182) });
    await expectStatus(collect(call), grpc.status.DEADLINE_EXCEEDED, 'timeout_on_sleeping_server');
  },
  async custom_metadata() {
    const metadata = new grpc.Metadata();
    metadata.set('x-grpc-test-echo-initial', 'test_initial_metadata_value');
    metadata.set('x-grpc-test-echo-trailing-bin', Buffer.from([0xab, 0xab, 0xab]));
    const check = ({ headers, trailers }, what) => {
      assert.deepStrictEqual(headers && headers.get('x-grpc-test-echo-initial'), ['test_initial_metadata_value'], `${what}: echoed initial metadata`);
      assert.deepStrictEqual(trailers.get('x-grpc-test-echo-trailing-bin'), [Buffer.from([0xab, 0xab, 0xab])], `${what}: echoed trailing metadata`);
    };
    const unaryResult = await unary(client, 'UnaryCall', largeUnaryRequest(), metadata);
    expectPayload(unaryResult.response.payload, 314159, 'custom_metadata UnaryCall');
    check(unaryResult, 'custom_metadata UnaryCall');
    const call = client.FullDuplexCall(metadata);
    call.write(pingPongRequest(271828, 314159));
    call.end();
    const duplexResult = await collect(call);
    expectPayloads(duplexResult.responses, [314159], 'custom_metadata FullDuplexCall');
    check(duplexResult, 'custom_metadata FullDuplexCall');
  },
  status_code_and_message: () => echoStatus('test status message', 'status_code_and_message', true),
  special_status_message: () => echoStatus('\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n', 'special_status_message', false),
  async unimplemented_method() {
    await expectStatus(unary(client, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED, 'unimplemented_method');
  },
  async unimplemented_service() {
    await expectStatus(unary(unimplementedClient, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED, 'unimplemented_service');
  },
  async client_compressed_unary() {
    await expectStatus(unary(client, 'UnaryCall', largeUnaryRequest({ expect_compressed: { value: true } })),
      grpc.status.INVALID_ARGUMENT, 'client_compressed_unary probe');
    const compressed = await unary(gzipClient, 'UnaryCall', largeUnaryRequest({ expect_compressed: { value: true } }));
    expectPayload(compressed.response.payload, 314159, 'client_compressed_unary compressed call');
    const plain = await unary(client, 'UnaryCall', largeUnaryRequest({ expect_compressed: { value: false } }));
    expectPayload(plain.response.payload, 314159, 'client_compressed_unary uncompressed call');
  },
  async server_compressed_unary() {
    for (const value of [true, false]) {
      const { response } = await unary(client, 'UnaryCall', largeUnaryRequest({ response_compressed: { value } }));
      expectPayload(response.payload, 314159, `server_compressed_unary (response_compressed ${value})`);
    }
  },
  async client_compressed_streaming() {
    await expectStatus(clientStream(client, [[{ payload: zeros(27182), expect_compressed: { value: true } }]]),
      grpc.status.INVALID_ARGUMENT, 'client_compressed_streaming probe');
    const response = await clientStream(gzipClient, [
      [{ payload: zeros(27182), expect_compressed: { value: true } }],
      [{ payload: zeros(45904), expect_compressed: { value: false } }, noCompress],
    ]);
    assert.strictEqual(response.aggregated_payload_size, 73086, 'client_compressed_streaming: aggregated_payload_size');
  },
  async server_compressed_streaming() {
    const call = client.StreamingOutputCall({
      response_type: 'COMPRESSABLE',
      response_parameters: [{ size: 31415, compressed: { value: true } }, { size: 92653, compressed: { value: false } }],
    });
    expectPayloads((await collect(call)).responses, [31415, 92653], 'server_compressed_streaming');
  },
};

const run = cases[flags.test_case];
if (!run) {
  process.stderr.write(`unknown --test_case=${flags.test_case}; supported: ${Object.keys(cases).join(', ')}\n`);
  process.exit(2);
}
const limit = setTimeout(() => { process.stderr.write(`FAILED ${flags.test_case}: no result within 60 s\n`); process.exit(1); }, 60000);
run().then(
  () => { clearTimeout(limit); process.stdout.write(`PASSED ${flags.test_case}\n`); process.exit(0); },
  (error) => { clearTimeout(limit); process.stderr.write(`FAILED ${flags.test_case}: ${error.message}\n`); process.exit(1); });
