// Reflection client (npm grpc-js-reflection-client over @grpc/grpc-js) that knows no .proto file:
// lists the services, loads a service's descriptors by symbol, builds its client and calls one
// unary method, then does the same for grpc.health.v1.Health/Check.
// Usage: node reflection-client.js 127.0.0.1:PORT v1|v1alpha SERVICE METHOD 'REQUEST_JSON'
// Prints one JSON object: { services, methods, reply, health }.
const grpc = require('@grpc/grpc-js');
const { GrpcReflection } = require('grpc-js-reflection-client');

const [address, version, serviceName, methodName, requestJson] = process.argv.slice(2);
const reflection = new GrpcReflection(address, grpc.credentials.createInsecure(), {}, version);
const loadOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

// A client constructor for SERVICE built only from what reflection returned.
async function clientFor(name) {
  const descriptor = await reflection.getDescriptorBySymbol(name);
  const packageObject = descriptor.getPackageObject(loadOptions);
  const Client = name.split('.').reduce((scope, part) => scope[part], packageObject);
  return new Client(address, grpc.credentials.createInsecure());
}

function callUnary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + 20000 }, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

(async () => {
  const services = await reflection.listServices();
  const methods = (await reflection.listMethods(serviceName)).map((method) => method.name);
  const reply = await callUnary(await clientFor(serviceName), methodName, JSON.parse(requestJson));
  const health = await callUnary(await clientFor('grpc.health.v1.Health'), 'Check', { service: serviceName });
  process.stdout.write(JSON.stringify({ services, methods, reply, health }) + '\n');
})().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + '\n');
  process.exit(1);
});
