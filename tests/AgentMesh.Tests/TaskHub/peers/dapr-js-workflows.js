// One workflow scenario run by the @dapr/dapr SDK against a task hub: its WorkflowRuntime is the
// worker, its DaprWorkflowClient starts the instance (and raises the event), waits for the end and
// prints one JSON line: {"scenario","instanceId","status","output","activityRuns"}.
// Usage: node dapr-js-workflows.js <chain|fan-out|external-event> <host> <port>
"use strict";

// The SDK logs with console.info; stdout carries only the result line, so its logs go to stderr.
for (const level of ["log", "info", "debug"]) console[level] = console.error;

const { WorkflowRuntime, DaprWorkflowClient, WorkflowRuntimeStatus } = require("@dapr/dapr");

const [scenario, daprHost, daprPort] = process.argv.slice(2);
const activityRuns = {};

function record(ctx, input) {
  const key = `${ctx.getWorkflowInstanceId()}/${JSON.stringify(input)}`;
  activityRuns[key] = (activityRuns[key] ?? 0) + 1;
}

async function appendJs(ctx, text) {
  record(ctx, text);
  return `${text}>js`;
}

async function square(ctx, n) {
  record(ctx, n);
  return n * n;
}

async function* jsChain(ctx, text) {
  const first = yield ctx.callActivity(appendJs, text);
  const second = yield ctx.callActivity(appendJs, first);
  return yield ctx.callActivity(appendJs, second);
}

async function* jsFanOut(ctx, count) {
  const squares = [];
  for (let i = 1; i <= count; i++) squares.push(ctx.callActivity(square, i));
  const results = yield ctx.whenAll(squares);
  return results.reduce((sum, value) => sum + value, 0);
}

async function* jsApproval(ctx, timeoutSeconds) {
  const decision = ctx.waitForExternalEvent("approval");
  const timeout = ctx.createTimer(timeoutSeconds);
  const winner = yield ctx.whenAny([decision, timeout]);
  return winner === decision ? { approved: true, decision: decision.getResult() } : { approved: false };
}

const scenarios = {
  chain: { workflow: jsChain, input: "start" },
  "fan-out": { workflow: jsFanOut, input: 10 },
  "external-event": {
    workflow: jsApproval,
    input: 60,
    async drive(client, instanceId) {
      await client.waitForWorkflowStart(instanceId, false, 30);
      await client.raiseEvent(instanceId, "approval", { by: "dapr-js" });
    },
  },
};

async function main() {
  const chosen = scenarios[scenario];
  if (!chosen) throw new Error(`unknown scenario '${scenario}'; one of ${Object.keys(scenarios).join(", ")}`);

  const options = { daprHost, daprPort };
  const runtime = new WorkflowRuntime(options)
    .registerWorkflow(jsChain).registerWorkflow(jsFanOut).registerWorkflow(jsApproval)
    .registerActivity(appendJs).registerActivity(square);
  const client = new DaprWorkflowClient(options);
  await runtime.start();
  try {
    const instanceId = `js-${scenario}-${Date.now()}`;
    await client.scheduleNewWorkflow(chosen.workflow, chosen.input, instanceId);
    if (chosen.drive) await chosen.drive(client, instanceId);
    const state = await client.waitForWorkflowCompletion(instanceId, true, 30);
    const output = state?.serializedOutput ? JSON.parse(state.serializedOutput) : null;
    process.stdout.write(JSON.stringify({ scenario, instanceId, status: state ? WorkflowRuntimeStatus[state.runtimeStatus] : "missing", output, activityRuns }) + "\n");
  } finally {
    await client.stop();
    await runtime.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
