// grpc-js client of an Echo server. Usage: node echo-client.js 127.0.0.1:PORT
// Prints one JSON object with what each call returned.
const { grpc, echo } = require('./load-echo');

const client = new echo.Echo(process.argv[2], grpc.credentials.createInsecure());

function unary(request, metadata) {
  return new Promise((resolve) => {
    const result = {};
    const call = client.Unary(request, metadata || new grpc.Metadata(), (error, reply) => {
      if (error) {
        result.code = error.code;
        result.details = error.details;
        result.trailers = error.metadata.getMap();
        result.errorBin = (error.metadata.get('x-error-bin')[0] || Buffer.alloc(0)).toString('hex');
      } else {
        result.code = 0;
        result.reply = reply;
      }
      resolve(result);
    });
    call.on('metadata', (headers) => { result.headers = headers.getMap(); });
  });
}

function serverStream(request) {
  return new Promise((resolve) => {
    const messages = [];
    const call = client.ServerStream(request);
    call.on('data', (reply) => messages.push(reply.message + ':' + reply.index));
    call.on('error', (error) => resolve({ messages, code: error.code, details: error.details }));
    call.on('status', (status) => { if (status.code === 0) resolve({ messages, code: 0 }); });
  });
}

(async () => {
  const metadata = new grpc.Metadata();
  metadata.set('x-user', 'node-peer');
  metadata.set('x-trace-bin', Buffer.from([0, 1, 2, 250, 255]));
  const output = {
    unary: await unary({ message: 'hello from node' }, metadata),
    stream: await serverStream({ message: 's', count: 3 }),
    error: await unary({ status_code: 5, status_detail: 'nicht gefunden – ü' }),
  };
  process.stdout.write(JSON.stringify(output) + '\n');
  client.close();
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
