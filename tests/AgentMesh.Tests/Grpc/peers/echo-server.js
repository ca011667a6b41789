// grpc-js Echo server on 127.0.0.1, free port. Prints {"port": N} once listening; runs until killed.
const { grpc, echo } = require('./load-echo');

function fail(callback, request) {
  const trailers = new grpc.Metadata();
  trailers.set('x-error-info', 'from-node');
  trailers.set('x-error-bin', Buffer.from([1, 2, 3]));
  callback({ code: request.status_code, details: request.status_detail, metadata: trailers });
}

function echoMetadata(call) {
  const list = [];
  for (const [key, values] of Object.entries(call.metadata.toJSON())) {
    for (const value of values) {
      list.push(key + '=' + (Buffer.isBuffer(value) ? value.toString('base64') : value));
    }
  }
  return list;
}

const server = new grpc.Server();
server.addService(echo.Echo.service, {
  Unary(call, callback) {
    if (call.request.status_code) return fail(callback, call.request);
    const headers = new grpc.Metadata();
    headers.set('x-server', 'node');
    call.sendMetadata(headers);
    const trailers = new grpc.Metadata();
    trailers.set('x-trailer-bin', Buffer.from([9, 8, 7]));
    callback(null, { message: call.request.message, metadata: echoMetadata(call), payload: call.request.payload }, trailers);
  },
  ServerStream(call) {
    for (let i = 0; i < call.request.count; i++) call.write({ message: call.request.message, index: i });
    if (call.request.status_code) {
      call.emit('error', { code: call.request.status_code, details: call.request.status_detail });
      return;
    }
    call.end();
  },
  ClientStream(call, callback) {
    const parts = [];
    call.on('data', (request) => parts.push(request.message));
    call.on('end', () => callback(null, { message: parts.join(','), index: parts.length }));
  },
  Duplex(call) {
    let index = 0;
    call.on('data', (request) => call.write({ message: request.message, index: index++ }));
    call.on('end', () => call.end());
  },
});

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(String(error) + '\n');
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
