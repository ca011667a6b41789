// The floor of the orchestration benchmark (bench/orchestration/workload/WORKLOAD.md): no agent
// framework, no model, no durability. Each run makes the workload's 12 read_text_file calls straight
// to the one MCP filesystem server, in the DAG's shape: A and B at once (3 sequential calls each),
// then C's 3, then D's 3. It checks every result is the file's text.
//
//   node floor.mjs --runs N --concurrency C --warmup W --data DIR --workload DIR
import { measure, runnerArgs, startMcp } from "../runner.mjs";

const run = runnerArgs("floor.mjs --runs N --concurrency C --warmup W --data DIR --workload DIR");
const { notesPath, notes: NOTES } = run;

// One MCP server for the whole runner, started before the warm-up.
const mcp = await startMcp("bench-floor", run.workload);

async function readNotes() {
  const result = await mcp.callTool({ name: "read_text_file", arguments: { path: notesPath } });
  const text = result.content?.[0]?.text;
  if (result.isError || text !== NOTES) throw new Error(`read_text_file did not return the file's text: ${JSON.stringify(result).slice(0, 300)}`);
}

// One step: the 3 tool calls of its agent loop, one after the other.
async function step() {
  for (let i = 0; i < 3; i++) await readNotes();
}

async function oneRun() {
  await Promise.all([step(), step()]); // A ∥ B
  await step(); // C
  await step(); // D
}

try {
  await measure(run, oneRun, { side: "floor" });
  await mcp.close();
} catch (err) {
  console.error(`floor: a run failed: ${err?.stack ?? err}`);
  await mcp.close().catch(() => {});
  process.exit(1);
}
