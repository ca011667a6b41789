// The benchmark service on @grpc/grpc-js (from the repository's node_modules), 127.0.0.1, free
// port, h2c. Prints {"port": N} once listening; runs until killed.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const definition = protoLoader.loadSync(path.join(__dirname, '..', 'protos', 'bench.proto'), {
  keepCase: true, longs: String, defaults: true,
});
const bench = grpc.loadPackageDefinition(definition).agentmesh.bench;

const empty = {};
const chunks = new Map();
function chunkOf(size) {
  if (!chunks.has(size)) chunks.set(size, { payload: Buffer.alloc(size) });
  return chunks.get(size);
}

const server = new grpc.Server();
server.addService(bench.Bench.service, {
  Call(call, callback) {
    callback(null, empty);
  },
  Stream(call) {
    const chunk = chunkOf(call.request.payload_size);
    for (let i = 0; i < call.request.count; i++) call.write(chunk);
    call.end();
  },
});

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(String(error) + '\n');
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
