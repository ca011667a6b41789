// grpc-js health client, stubs loaded with @grpc/proto-loader from the grpc-proto package's
// health.proto (the official definition). Usage: node health-client.js 127.0.0.1:PORT PROTO_ROOT SERVICE
// Prints JSON lines: {check} (or {checkError}) for SERVICE, {checkUnknown} for an unknown name,
// then {watch: STATUS} per Watch message of "" and finally {end: CODE, details}; codes by name
// (NOT_FOUND), as health_client.py prints them.
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, protoRoot, service] = process.argv.slice(2);
const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [protoRoot], enums: String, defaults: true });
const { Health } = grpc.loadPackageDefinition(definition).grpc.health.v1;
const client = new Health(address, grpc.credentials.createInsecure());
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

function check(name) {
  return new Promise((resolve) => {
    client.Check({ service: name }, { deadline: Date.now() + 20000 }, (error, reply) =>
      resolve(error ? { code: grpc.status[error.code], details: error.details } : { status: reply.status }));
  });
}

(async () => {
  print({ check: await check(service) });
  print({ checkUnknown: await check('no.such.Service') });
  const watch = client.Watch({ service: '' });
  watch.on('data', (reply) => print({ watch: reply.status }));
  watch.on('error', (error) => print({ end: grpc.status[error.code], details: error.details }));
  watch.on('status', (status) => { if (status.code === grpc.status.OK) print({ end: 'OK' }); });
})();
