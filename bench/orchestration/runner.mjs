// What every Node side of the orchestration benchmark shares: the runner contract of
// workload/WORKLOAD.md (arguments, the MCP server, the closed loop, `measure-start` and `result`).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const repo = resolve(import.meta.dirname, "../..");

/**
 * The contract's arguments (`--runs N --concurrency C --warmup W --data DIR --workload DIR`, plus `extra`
 * options) and the workload's files; exits 2 with `usage` when they are wrong. `valid` checks the extras.
 */
export function runnerArgs(usage, extra = {}, valid = () => true) {
  const { values: args } = parseArgs({
    options: {
      runs: { type: "string" }, concurrency: { type: "string" }, warmup: { type: "string", default: "0" },
      data: { type: "string" }, workload: { type: "string" }, ...extra,
    },
  });
  const runs = Number(args.runs), concurrency = Number(args.concurrency), warmup = Number(args.warmup);
  if (!(runs > 0 && concurrency > 0 && warmup >= 0 && args.data && args.workload && valid(args))) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const workload = resolve(args.workload);
  const notesPath = resolve(workload, "notes-2k.txt");
  return {
    args, runs, concurrency, warmup, workload, notesPath,
    notes: readFileSync(notesPath, "utf8"),
    answer: readFileSync(resolve(workload, "answer.txt"), "utf8"),
  };
}

/** The one MCP filesystem server of a runner (the repository's node_modules), over stdio, serving `workload`. */
export async function startMcp(name, workload) {
  const mcp = new Client({ name, version: "1.0.0" });
  await mcp.connect(new StdioClientTransport({
    command: process.execPath,
    args: [resolve(repo, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"), workload],
    stderr: "inherit",
  }));
  return mcp;
}

/**
 * Runs `warmup` runs, prints `measure-start`, runs `runs` runs with at most `concurrency` in flight (a
 * closed loop: each worker starts its next run when its last one ended) and prints the `result` line
 * with `fields` added.
 */
export async function measure({ runs, concurrency, warmup }, oneRun, fields) {
  const runMany = async (count, latencies) => {
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
  };
  if (warmup > 0) await runMany(warmup);
  process.stdout.write("measure-start\n");
  const latencies = [];
  const t0 = performance.now();
  await runMany(runs, latencies);
  const wallMs = performance.now() - t0;
  process.stdout.write(`result ${JSON.stringify({ runs, concurrency, wallMs, latenciesMs: latencies, ...fields })}\n`);
}
