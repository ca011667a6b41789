// The LangGraph.js side of the orchestration benchmark (bench/orchestration/workload/WORKLOAD.md).
// One run is one thread of an outer StateGraph: A and B from START, C after both, D after C. Each
// node runs a prebuilt ReAct agent (createReactAgent) whose model is scripted: turns 1-3 call the
// tool read_text_file on the notes, turn 4 answers with ANSWER. The tool calls the real MCP
// filesystem server (one process for the whole runner). Every super-step of the outer graph and of
// the agents is checkpointed by SqliteSaver into DIR/langgraph.sqlite.
//
//   node langgraph.mjs --runs N --concurrency C --warmup W --data DIR --workload DIR [--synchronous NORMAL|FULL]
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { z } from "zod";
import { measure, runnerArgs, startMcp } from "../runner.mjs";

const run = runnerArgs(
  "langgraph.mjs --runs N --concurrency C --warmup W --data DIR --workload DIR [--synchronous NORMAL|FULL]",
  { synchronous: { type: "string", default: "NORMAL" } },
  (a) => ["NORMAL", "FULL"].includes(a.synchronous.toUpperCase()));
const { args, notesPath, notes: NOTES, answer: ANSWER } = run;
const synchronous = args.synchronous.toUpperCase();
const side = `langgraph-${synchronous.toLowerCase()}`;

// The checkpointer. NORMAL leaves SqliteSaver as it is (WAL; better-sqlite3 builds SQLite with
// SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, i.e. NORMAL); FULL sets it on the saver's own connection.
mkdirSync(args.data, { recursive: true });
const dbPath = resolve(args.data, "langgraph.sqlite");
const saver = SqliteSaver.fromConnString(dbPath);
saver.setup();
if (synchronous === "FULL") saver.db.pragma("synchronous = FULL");
const syncLevel = saver.db.pragma("synchronous", { simple: true });
if (syncLevel !== (synchronous === "FULL" ? 2 : 1)) throw new Error(`PRAGMA synchronous is ${syncLevel}, not ${synchronous}`);
console.error(`${side}: checkpoints in ${dbPath} (journal_mode=${saver.db.pragma("journal_mode", { simple: true })}, synchronous=${syncLevel})`);

// One MCP server for the whole runner, started before the warm-up; the agents' tool wraps it.
const mcp = await startMcp("bench-langgraph", run.workload);
const readTextFile = tool(
  async ({ path }) => {
    const result = await mcp.callTool({ name: "read_text_file", arguments: { path } });
    const text = result.content.map((c) => c.text ?? "").join("");
    if (result.isError) throw new Error(text);
    return text;
  },
  { name: "read_text_file", description: "Read a text file and return its content.", schema: z.object({ path: z.string() }) },
);

// The scripted model: it answers at once; its turn is the number of AI messages so far plus one.
let callIds = 0;
class ScriptedChatModel extends BaseChatModel {
  _llmType() { return "scripted"; }
  bindTools() { return this; } // it already knows its one tool
  async _generate(messages) {
    const turn = messages.filter((m) => AIMessage.isInstance(m)).length + 1;
    const message = turn <= 3
      ? new AIMessage({ content: "", tool_calls: [{ id: `call_${++callIds}`, name: "read_text_file", args: { path: notesPath }, type: "tool_call" }] })
      : new AIMessage({ content: ANSWER });
    return { generations: [{ text: message.content, message }] };
  }
}
const agent = createReactAgent({ llm: new ScriptedChatModel({}), tools: [readTextFile], prompt: "You are a researcher." });

// The outer graph. Each step leaves its output and how many tool results were the file's text.
const merge = (a, b) => ({ ...a, ...b });
const RunState = Annotation.Root({
  outputs: Annotation({ reducer: merge, default: () => ({}) }),
  fileReads: Annotation({ reducer: merge, default: () => ({}) }),
});
const step = (id) => async (_state, config) => {
  const input = { messages: [new HumanMessage(`Read the notes and summarise them. (step ${id})`)] };
  const { messages } = await agent.invoke(input, config);
  const fileReads = messages.filter((m) => ToolMessage.isInstance(m) && m.content === NOTES).length;
  return { outputs: { [id]: messages.at(-1).content }, fileReads: { [id]: fileReads } };
};
const graph = new StateGraph(RunState)
  .addNode("A", step("A")).addNode("B", step("B")).addNode("C", step("C")).addNode("D", step("D"))
  .addEdge(START, "A").addEdge(START, "B").addEdge(["A", "B"], "C").addEdge("C", "D").addEdge("D", END)
  .compile({ checkpointer: saver });

async function oneRun() {
  const final = await graph.invoke({}, { configurable: { thread_id: randomUUID() } });
  for (const id of ["A", "B", "C", "D"]) {
    if (final.outputs[id] !== ANSWER) throw new Error(`step ${id}'s output is not ANSWER: ${JSON.stringify(final.outputs[id])}`);
  }
  const reads = Object.values(final.fileReads).reduce((a, b) => a + b, 0);
  if (reads !== 12) throw new Error(`${reads} tool calls returned the file's text, not 12`);
}

try {
  await measure(run, oneRun, { side, synchronous });
  // After the measurement: what the checkpointer wrote, to show it really did.
  const count = (sql) => saver.db.prepare(sql).pluck().get();
  console.error(`${side}: ${count("SELECT count(DISTINCT thread_id) FROM checkpoints")} threads, ` +
    `${count("SELECT count(*) FROM checkpoints")} checkpoints, ${count("SELECT count(*) FROM writes")} writes in ${dbPath}`);
  await mcp.close();
  saver.db.close();
} catch (err) {
  console.error(`${side}: a run failed: ${err?.stack ?? err}`);
  await mcp.close().catch(() => {});
  process.exit(1);
}
