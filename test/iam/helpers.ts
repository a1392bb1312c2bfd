/** Shared pieces of the IAM tests: clients, unique names, policy documents, error assertions. */
import assert from "node:assert/strict";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { clientConfig, failure } from "../harness.js";

export const iamClient = (endpoint: string, accessKeyId = "test", secretAccessKey = "test") =>
  new IAMClient(clientConfig(endpoint, "us-east-1", { accessKeyId, secretAccessKey }));

export const stsClient = (endpoint: string, accessKeyId = "test", secretAccessKey = "test") =>
  new STSClient(clientConfig(endpoint, "us-east-1", { accessKeyId, secretAccessKey }));

let counter = 0;
/** A name no other test in the file uses. */
export const unique = (base: string) => `${base}${++counter}`;

/** A valid identity policy allowing `actions` on `*`. */
export const policyDoc = (...actions: string[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions.length ? actions : ["s3:GetObject"], Resource: "*" }] });

export const ID = {
  group: /^AGPA[A-Z2-7]{17}$/,
  user: /^AIDA[A-Z2-7]{17}$/,
  policy: /^ANPA[A-Z2-7]{17}$/,
  accessKey: /^AKIA[A-Z2-7]{16}$/,
};

export const ACCOUNT = "000000000000";

/**
 * Awaits the rejection of `promise` and checks IAM's wire error code (`Code`), the HTTP status
 * and, when given, the exact message (a string) or its form (a RegExp).
 */
export async function expectError(promise: Promise<unknown>, code: string, status: number, message?: string | RegExp) {
  const error = (await failure(promise)) as Awaited<ReturnType<typeof failure>> & { Code?: string; Type?: string };
  assert.equal(error.Code, code, `error code (got ${error.name}: ${error.message})`);
  assert.ok(error.name === code || error.name === `${code}Exception`, `error name ${error.name}`);
  assert.equal(error.$metadata.httpStatusCode, status, "HTTP status");
  assert.equal(error.Type, "Sender");
  if (typeof message === "string") assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
  return error;
}

/** AWS's text for one violated constraint. */
export const validation = (value: string | number | null, member: string, constraint: string) =>
  `1 validation error detected: Value ${value === null ? "null" : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`;

export const NAME_PATTERN = "Member must satisfy regular expression pattern: [\\w+=,.@-]+";
export const PATH_PATTERN = "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)";

/** POST /_nubis/reset: empties the server between scenarios that need a blank account. */
export async function reset(endpoint: string) {
  const res = await fetch(endpoint + "/_nubis/reset", { method: "POST" });
  assert.equal(res.status, 200);
}

/** Follows Marker until IsTruncated is false, checking the Marker contract on every page. */
export async function walk<T>(fetchPage: (marker: string | undefined) => Promise<{ items: T[]; IsTruncated?: boolean; Marker?: string }>) {
  const all: T[] = [];
  const sizes: number[] = [];
  let marker: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = await fetchPage(marker);
    all.push(...page.items);
    sizes.push(page.items.length);
    if (!page.IsTruncated) {
      assert.equal(page.Marker, undefined, "no Marker on the last page");
      return { all, sizes };
    }
    assert.ok(page.Marker && page.Marker.length >= 1 && page.Marker.length <= 320, "Marker of 1-320 characters when truncated");
    marker = page.Marker;
  }
  throw new Error("pagination did not end");
}
