/** Requests at the edge of HTTP (issue 11 item 4): several Authorization headers, clients that leave mid-request. */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { describe, it } from "node:test";
import { useServer } from "../harness.js";

const signed = useServer({ auth: "signature" });

/** Sends raw bytes; resolves to everything the server answered. */
const raw = (port: number, text: string) =>
  new Promise<string>((resolve, reject) => {
    // write, not end: a half-closed socket may be closed before the answer is written.
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });

describe("--auth signature", () => {
  it("refuses a request with two Authorization headers (IncompleteSignature, in IAM's shape)", async () => {
    const body = "Action=ListUsers&Version=2010-05-08";
    const auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00";
    const answer = await raw(
      signed().port,
      `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: ${auth}\r\nAuthorization: ${auth}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    assert.match(answer, /^HTTP\/1\.1 403/);
    assert.match(answer, /<Code>IncompleteSignature<\/Code>/);
    assert.match(answer, /Only one Authorization header/);
  });
});

describe("a client that goes away mid-request", () => {
  it("is not logged as a failure, and the server keeps serving", async () => {
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(signed().port, "127.0.0.1", () => {
          socket.write("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nAction=Li");
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on("close", () => resolve());
      });
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      console.error = original;
    }
    assert.deepEqual(errors, []);
    assert.equal((await fetch(`${signed().endpoint}/_nubis/health`)).status, 200);
  });
});
