// Shared by the grpc-js interop peers: grpc.testing from Debian's grpc-proto
// (/usr/share/grpc-proto/grpc/testing/test.proto) and the official interop flag syntax.
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protoRoot = '/usr/share/grpc-proto';
const testProto = `${protoRoot}/grpc/testing/test.proto`;
if (!fs.existsSync(testProto)) {
  process.stderr.write(`${testProto} is missing: install the Debian package grpc-proto.\n`);
  process.exit(2);
}

const definition = protoLoader.loadSync(testProto, { keepCase: true, longs: Number, enums: String, defaults: true, includeDirs: [protoRoot] });

/** Parses --name=value / --name value flags; exits 2 on a flag not in `known`. */
function parseFlags(argv, known) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) usage(`unexpected argument '${argv[i]}'`);
    const [, name, inline] = match;
    if (!known.includes(name)) usage(`unknown flag --${name}; known: ${known.map((k) => '--' + k).join(', ')}`);
    flags[name] = inline !== undefined ? inline : argv[++i];
  }
  if (flags.use_tls === 'true') usage('--use_tls=true is not supported; this peer speaks HTTP/2 cleartext');
  return flags;
}

function usage(message) {
  process.stderr.write(message + '\n');
  process.exit(2);
}

module.exports = { grpc, testing: grpc.loadPackageDefinition(definition).grpc.testing, parseFlags };
