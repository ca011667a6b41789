// Loads the test Echo service definition (Grpc/Protos/echo.proto) for the grpc-js peers.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const definition = protoLoader.loadSync(path.join(__dirname, '..', 'Protos', 'echo.proto'), {
  keepCase: true,
  longs: String,
  defaults: true,
});

module.exports = { grpc, echo: grpc.loadPackageDefinition(definition).agentmesh.test };
