// A @grpc/grpc-js client of the Orchestrator: starts a run with the goal given as argv[3] on the
// address argv[2], approves every approval request, watches the run to its end, and prints one
// JSON line per event, then {"final": <Run>}.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, goal, protoRoot] = process.argv.slice(2);
const definition = loader.loadSync('agentmesh/v1/orchestrator.proto', {
  includeDirs: [protoRoot], keepCase: true, longs: Number, enums: String, defaults: false, oneofs: true,
});
const { Orchestrator } = grpc.loadPackageDefinition(definition).agentmesh.v1;
const client = new Orchestrator(address, grpc.credentials.createInsecure());

const deadline = () => new Date(Date.now() + 60000);
client.StartRun({ goal }, { deadline: deadline() }, (error, started) => {
  if (error) { console.error(`StartRun failed: ${error.code} ${error.details}`); process.exit(2); }
  const stream = client.WatchRun({ run_id: started.run_id, after_sequence: 0 });
  stream.on('data', (event) => {
    console.log(JSON.stringify(event));
    if (event.approval_requested) {
      client.SubmitApproval({ approval_id: event.approval_requested.approval_id, approve: true, reason: 'grpc-js' }, (e) => {
        if (e) { console.error(`SubmitApproval failed: ${e.code} ${e.details}`); process.exit(2); }
      });
    }
  });
  stream.on('error', (e) => { console.error(`WatchRun failed: ${e.code} ${e.details}`); process.exit(2); });
  stream.on('status', (status) => {
    if (status.code !== grpc.status.OK) return;
    client.GetRun({ run_id: started.run_id }, (e, run) => {
      if (e) { console.error(`GetRun failed: ${e.code} ${e.details}`); process.exit(2); }
      console.log(JSON.stringify({ final: run }));
      client.close();
    });
  });
});
