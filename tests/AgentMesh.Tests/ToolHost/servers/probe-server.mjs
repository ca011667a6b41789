// An MCP server built on the official TypeScript SDK, for ToolHost tests that need behaviour the
// npm reference servers do not have: a slow tool with progress notifications (timeouts, progress),
// its own pid (restart after a crash), a tool without annotations, a tool that makes the process exit
// while its call is in flight, and paged tools/list (page size 2).
// Usage: node probe-server.mjs            (stdio)
//        node probe-server.mjs --http     (Streamable HTTP, stateless, on 127.0.0.1:<free port>/mcp;
//                                          prints "listening <port>" on stdout; env PROBE_REQUEST_TRACEPARENT
//                                          holds the traceparent header of the request being handled)
import http from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";

const tools = [
  {
    name: "sleep",
    description: "Waits ms milliseconds in `steps` steps, sending a progress notification per step.",
    inputSchema: { type: "object", properties: { ms: { type: "number" }, steps: { type: "number" } }, required: ["ms"] },
    annotations: { readOnlyHint: true },
  },
  {
    name: "pid",
    description: "Returns this server's process id.",
    inputSchema: { type: "object", properties: {} },
    annotations: { readOnlyHint: true, idempotentHint: true },
  },
  {
    name: "fail",
    description: "Always fails with an isError result.",
    inputSchema: { type: "object", properties: {} },
    annotations: { destructiveHint: false },
  },
  {
    name: "plain",
    description: "Echoes its arguments; declares no annotations.",
    inputSchema: { type: "object", properties: {} },
  },
  {
    name: "env",
    description: "Returns the value of environment variable `name` and the working directory.",
    inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    annotations: { readOnlyHint: true },
  },
  {
    name: "reject",
    description: "Answers every call with a JSON-RPC error (InvalidParams) instead of a result.",
    inputSchema: { type: "object", properties: {} },
  },
  {
    name: "crash",
    description: "Exits this server's process (code 3) while the call is in flight: the call never gets an answer.",
    inputSchema: { type: "object", properties: {} },
    annotations: { destructiveHint: false },
  },
];

function createServer() {
  const server = new Server({ name: "probe", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const start = request.params?.cursor ? Number(request.params.cursor) : 0;
    const page = tools.slice(start, start + 2);
    const next = start + 2 < tools.length ? String(start + 2) : undefined;
    return next ? { tools: page, nextCursor: next } : { tools: page };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case "sleep": {
        const steps = Math.max(1, args.steps ?? 1);
        const token = request.params._meta?.progressToken;
        for (let i = 1; i <= steps; i++) {
          await new Promise((resolve) => setTimeout(resolve, args.ms / steps));
          if (token !== undefined) {
            await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: i, total: steps, message: `step ${i}` } });
          }
        }
        // The C# SDK (2.3.1) can drop a progress notification that arrives just before the
        // response (seen over Streamable HTTP); pause so tests check delivery, not that race.
        if (token !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return { content: [{ type: "text", text: `slept ${args.ms} ms` }] };
      }
      case "pid":
        return { content: [{ type: "text", text: String(process.pid) }] };
      case "fail":
        return { isError: true, content: [{ type: "text", text: "this tool always fails" }] };
      case "plain":
        return { content: [{ type: "text", text: JSON.stringify(args) }, { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" }] };
      case "env":
        return { content: [{ type: "text", text: `${process.env[args.name] ?? "<unset>"}\n${process.cwd()}` }] };
      case "reject":
        throw new McpError(ErrorCode.InvalidParams, "reject takes no arguments you can give");
      case "crash":
        process.stderr.write(`probe ${process.pid}: crashing during a call, on purpose\n`);
        process.exit(3);
      default:
        throw new Error(`unknown tool ${request.params.name}`);
    }
  });
  return server;
}

if (process.argv.includes("--http")) {
  const httpServer = http.createServer(async (req, res) => {
    if (req.url !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    if (process.env.PROBE_REQUIRED_TOKEN && req.headers.authorization !== `Bearer ${process.env.PROBE_REQUIRED_TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    // The W3C trace context the client sent with this request, for the env tool to report (trace propagation tests).
    process.env.PROBE_REQUEST_TRACEPARENT = req.headers.traceparent ?? "<none>";
    const server = createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  httpServer.listen(0, "127.0.0.1", () => console.log(`listening ${httpServer.address().port}`));
} else {
  await createServer().connect(new StdioServerTransport());
}
