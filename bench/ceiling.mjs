/**
 * The ceiling: a bare node:http server that reads each request body and answers a canned
 * response (status, headers and body bytes copied from a real nubis answer to the same
 * workload). No routing, no parsing, no state: what Node itself costs per request.
 *
 *   node bench/ceiling.mjs PORT
 *
 * Plain JavaScript (no tsx), so that its start-up is Node's own: the floor for nubis's.
 *
 * `POST /__ceiling` with `[{status, headers, body (base64)}, ...]` sets the canned answers;
 * they are served round-robin (a mixed workload sends its operations in turn).
 */
import { createServer } from "node:http";

/** @type {Array<{ status: number, headers: Record<string, string>, body: Buffer }>} */
let canned = [{ status: 200, headers: { "content-type": "text/plain", "content-length": "2" }, body: Buffer.from("ok") }];
let turn = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.url === "/__ceiling") {
      const list = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      canned = list.map((c) => {
        const body = Buffer.from(c.body, "base64");
        return { status: c.status, headers: { ...c.headers, "content-length": String(body.length) }, body };
      });
      turn = 0;
      res.writeHead(204).end();
      return;
    }
    const c = canned[turn];
    turn = (turn + 1) % canned.length;
    res.writeHead(c.status, c.headers);
    res.end(c.body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => console.log("ceiling ready"));
