// The floor of the orchestration benchmark (bench/orchestration/workload/WORKLOAD.md): no agent
// framework, no model, no durability. Each run makes the workload's 12 read_text_file calls straight
// to the one MCP filesystem server, in the DAG's shape: A and B at once (3 sequential calls each),
// then C's 3, then D's 3. It checks every result is the file's text.
//
//   node floor.mjs --runs N --concurrency C --warmup W --data DIR --workload DIR
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string" }, concurrency: { type: "string" }, warmup: { type: "string", default: "0" },
    data: { type: "string" }, workload: { type: "string" },
  },
});
const runs = Number(args.runs), concurrency = Number(args.concurrency), warmup = Number(args.warmup);
if (!(runs > 0 && concurrency > 0 && warmup >= 0 && args.workload)) {
  console.error("usage: floor.mjs --runs N --concurrency C --warmup W --data DIR --workload DIR");
  process.exit(2);
}
const workload = resolve(args.workload);
const notesPath = resolve(workload, "notes-2k.txt");
const NOTES = readFileSync(notesPath, "utf8");
const repo = resolve(import.meta.dirname, "../../..");

// One MCP server for the whole runner, started before the warm-up.
const mcp = new Client({ name: "bench-floor", version: "1.0.0" });
await mcp.connect(new StdioClientTransport({
  command: process.execPath,
  args: [resolve(repo, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"), workload],
  stderr: "inherit",
}));

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

// A closed loop: `concurrency` workers, each starting its next run when its last one ended.
async function runMany(count, latencies) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      await oneRun();
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

try {
  if (warmup > 0) await runMany(warmup);
  process.stdout.write("measure-start\n");
  const latencies = [];
  const t0 = performance.now();
  await runMany(runs, latencies);
  const wallMs = performance.now() - t0;
  process.stdout.write(`result ${JSON.stringify({ runs, concurrency, wallMs, latenciesMs: latencies, side: "floor" })}\n`);
  await mcp.close();
} catch (err) {
  console.error(`floor: a run failed: ${err?.stack ?? err}`);
  await mcp.close().catch(() => {});
  process.exit(1);
}
