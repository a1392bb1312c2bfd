/**
 * The REST HTTP binding (src/core/protocols/http.ts) on hand-made schemas in the SDK's static
 * format, for the parts CloudFront's operations do not exercise: greedy labels, list headers and
 * query parameters, prefix headers, httpQueryParams, httpResponseCode. restXml and restJson1 both
 * sit on it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NormalizedSchema } from "@smithy/core/schema";
import { BindingError, type BodyCodec, decodeHttpInput, encodeHttpOutput, matchRoute, missingRequired } from "../../src/core/protocols/http.js";
import type { HttpRequest, LoadedService, OperationSchema } from "../../src/core/protocols/protocol.js";

const StringList = [1, "t", "StringList", 0, 0];
const StringMap = [2, "t", "StringMap", 0, 0, 0];
const Body = [3, "t", "Body", 0, ["A"], [0], 1];
const Input = [
  3, "t", "Input", 0,
  ["Bucket", "Key", "Ids", "Flag", "Count", "When", "Tags", "Meta", "Rest", "Doc"],
  [
    [0, { httpLabel: 1 }],
    [0, { httpLabel: 1 }],
    [() => StringList, { httpQuery: "id" }],
    [2, { httpHeader: "x-flag" }],
    [1, { httpQuery: "count" }],
    [4, { httpHeader: "x-when" }],
    [() => StringList, { httpHeader: "x-tags" }],
    [() => StringMap, { httpPrefixHeaders: "x-meta-" }],
    [() => StringMap, { httpQueryParams: 1 }],
    [() => Body, { httpPayload: 1 }],
  ],
  2,
];
const Output = [
  3, "t", "Output", 0,
  ["Status", "Version", "Modified", "Doc"],
  [[1, { httpResponseCode: 1 }], [0, { httpHeader: "x-version" }], [4, { httpHeader: "Last-Modified" }], [() => Body, { httpPayload: 1 }]],
];

const op = (name: string, method: string, uri: string, status = 200): OperationSchema => ({ name, http: [method, uri, status], input: Input, output: Output });
const operations = [
  op("GetObject", "GET", "/{Bucket}/{Key+}"),
  op("GetTagging", "GET", "/{Bucket}/{Key+}?tagging"),
  op("GetAcl", "GET", "/{Bucket}/acl/{Key}"),
  op("ListAll", "GET", "/{Bucket}"),
  op("Delete", "DELETE", "/{Bucket}/{Key+}", 204),
];
const service = { operations: new Map(operations.map((o) => [o.name, o])) } as unknown as LoadedService;

const request = (method: string, url: string, headers: Record<string, string> = {}, body = ""): HttpRequest => {
  const u = new URL(url, "http://localhost");
  return { method, path: u.pathname, query: u.searchParams, headers, body: Buffer.from(body) };
};

/** A JSON codec stand-in: the binding must not care which one it gets. */
const codec: BodyCodec = {
  readPayload: (_member, body) => JSON.parse(body.toString()),
  readBody: () => ({}),
  writePayload: (_member, value) => ({ body: JSON.stringify(value), contentType: "application/json" }),
  writeBody: () => undefined,
};

describe("REST binding: routes", () => {
  it("matches greedy labels, query literals and literal segments, most specific first", () => {
    const name = (method: string, url: string) => matchRoute(request(method, url), service)?.operation.name;
    assert.equal(name("GET", "/b/a/b/c.txt"), "GetObject");
    assert.equal(name("GET", "/b/a/b/c.txt?tagging"), "GetTagging");
    assert.equal(name("GET", "/b/acl/k"), "GetAcl");
    assert.equal(name("GET", "/b/acl/k/deeper"), "GetObject");
    assert.equal(name("GET", "/b"), "ListAll");
    assert.equal(name("DELETE", "/b/k"), "Delete");
    assert.equal(name("PUT", "/b/k"), undefined);
    assert.equal(name("GET", "/"), undefined);
  });

  it("finds a route by the literal that tells its shape apart, and a label route beside every literal", () => {
    // Six GET templates of four segments: the second segment tells most of them apart.
    const shaped = [
      op("GetKeyGroup", "GET", "/v1/key-group/{Id}/{Part}"),
      op("GetPolicy", "GET", "/v1/policy/{Id}/{Part}"),
      op("GetOrigin", "GET", "/v1/origin/{Id}/{Part}"),
      op("GetConfig", "GET", "/v1/{Kind}/config/all"),
      op("GetAnything", "GET", "/v1/{Kind}/{Id}/{Part}"),
      op("GetOther", "GET", "/v2/policy/{Id}/{Part}"),
    ];
    const svc = { operations: new Map(shaped.map((o) => [o.name, o])) } as unknown as LoadedService;
    const name = (url: string) => matchRoute(request("GET", url), svc)?.operation.name;
    assert.equal(name("/v1/key-group/k1/p"), "GetKeyGroup");
    assert.equal(name("/v1/key-group/config/all"), "GetConfig", "three literals win over two, a label where the others have theirs");
    assert.equal(name("/v1/thing/config/all"), "GetConfig");
    assert.equal(name("/v1/thing/t1/p"), "GetAnything");
    assert.equal(name("/v2/policy/p1/p"), "GetOther");
    assert.equal(name("/v1/%6Bey-group/k1/p"), "GetKeyGroup", "segments are compared decoded");
    assert.equal(name("/v2/thing/t1/p"), undefined);
  });

  it("percent-decodes labels, a greedy one keeping its slashes", () => {
    const match = matchRoute(request("GET", "/my%20bucket/a%2Fb/c%3F.txt"), service)!;
    assert.deepEqual(match.labels, { Bucket: "my bucket", Key: "a/b/c?.txt" });
  });
});

describe("REST binding: input", () => {
  it("binds labels, query lists, typed headers, list headers, prefix headers, query params and the payload", () => {
    const req = request(
      "GET",
      "/b/k?id=1&id=2&count=7&other=x",
      { "x-flag": "true", "x-when": "Tue, 01 Dec 2026 10:00:00 GMT", "x-tags": "a, b", "x-meta-color": "blue" },
      JSON.stringify({ A: "payload" }),
    );
    const input = decodeHttpInput(req, matchRoute(req, service)!, codec);
    assert.deepEqual(input, {
      Bucket: "b",
      Key: "k",
      Ids: ["1", "2"],
      Count: 7,
      Flag: true,
      When: new Date("2026-12-01T10:00:00Z"),
      Tags: ["a", "b"],
      Meta: { color: "blue" },
      Rest: { other: "x" },
      Doc: { A: "payload" },
    });
  });

  it("reports values of the wrong type as BindingError", () => {
    for (const [url, headers] of [["/b/k?count=lots", {}], ["/b/k", { "x-flag": "yes" }], ["/b/k", { "x-when": "someday" }]] as const) {
      const req = request("GET", url, headers);
      assert.throws(() => decodeHttpInput(req, matchRoute(req, service)!, codec), BindingError, url);
    }
  });

  it("lists missing required members by path", () => {
    assert.deepEqual(missingRequired(Input, { Bucket: "b" }), ["Key"]);
    assert.deepEqual(missingRequired(Input, { Bucket: "b", Key: "k", Doc: {} }), ["Doc.A"]);
  });
});

describe("REST binding: output", () => {
  it("writes header members, the response code member and the payload", () => {
    const http = encodeHttpOutput(operations[0], { Status: 202, Version: "v1", Modified: new Date("2026-12-01T10:00:00Z"), Doc: { A: "x" } }, codec);
    assert.equal(http.status, 202);
    assert.equal(http.headers["x-version"], "v1");
    assert.equal(http.headers["last-modified"], "Tue, 01 Dec 2026 10:00:00 GMT");
    assert.equal(http.headers["content-type"], "application/json");
    assert.equal(http.body, '{"A":"x"}');
  });

  it("answers the http trait's status, with an empty body for 204", () => {
    const http = encodeHttpOutput(operations[4], { Version: "v2", Doc: { A: "ignored" } }, codec);
    assert.equal(http.status, 204);
    assert.equal(http.body, "");
    assert.equal(http.headers["x-version"], "v2");
    assert.equal(NormalizedSchema.of(Output as never).isStructSchema(), true);
  });
});
