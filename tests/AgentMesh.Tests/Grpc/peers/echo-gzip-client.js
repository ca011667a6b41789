// grpc-js client of an Echo server that compresses its requests with gzip (channel option
// grpc.default_compression_algorithm = 2) and asks the server to compress its replies.
// Usage: node echo-gzip-client.js 127.0.0.1:PORT. Prints one JSON object with what each call returned.
const { grpc, echo } = require('./load-echo');

const client = new echo.Echo(process.argv[2], grpc.credentials.createInsecure(), {
  'grpc.default_compression_algorithm': 2,
});
const payload = Buffer.alloc(64 * 1024);

function summary(reply) {
  return {
    message: reply.message,
    index: reply.index,
    requestCompressed: reply.request_compressed,
    payloadLength: reply.payload.length,
    payloadZeros: reply.payload.every((b) => b === 0),
  };
}

function unary(request) {
  return new Promise((resolve) => {
    client.Unary(request, (error, reply) => resolve(error ? { code: error.code, details: error.details } : summary(reply)));
  });
}

function clientStream(parts) {
  return new Promise((resolve) => {
    const call = client.ClientStream((error, reply) => resolve(error ? { code: error.code, details: error.details } : summary(reply)));
    for (const part of parts) call.write({ message: part, payload });
    call.end();
  });
}

function serverStream(request) {
  return new Promise((resolve) => {
    const replies = [];
    const call = client.ServerStream(request);
    call.on('data', (reply) => replies.push(summary(reply)));
    call.on('error', (error) => resolve({ replies, code: error.code, details: error.details }));
    call.on('status', (status) => { if (status.code === 0) resolve({ replies, code: 0 }); });
  });
}

(async () => {
  const output = {
    unary: await unary({ message: 'gz', payload, response_compression: 'gzip' }),
    clientStream: await clientStream(['a', 'b']),
    serverStream: await serverStream({ message: 's', count: 3, payload, response_compression: 'gzip', alternate_no_compress: true }),
  };
  process.stdout.write(JSON.stringify(output) + '\n');
  client.close();
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
