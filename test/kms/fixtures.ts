/** Shared set-up for the KMS tests: clients, keys, and the "fails and changes nothing" check. */
import assert from "node:assert/strict";
import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListResourceTagsCommand,
} from "@aws-sdk/client-kms";
import type { RunningServer } from "../../src/index.js";
import { clientConfig, failure } from "../harness.js";

export const kmsClient = (server: () => RunningServer) => (region = "us-east-1", account?: string) =>
  new KMSClient(clientConfig(server().endpoint, region, account ? { accessKeyId: account, secretAccessKey: "x" } : undefined));

export async function createKey(kms: KMSClient, input: CreateKeyCommandInput = {}) {
  return (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
}

/** What a failed call must leave as it was: metadata, policy, rotation, tags, aliases, grants. */
export async function keyState(kms: KMSClient, keyId: string) {
  const meta = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
  const policy = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId }))).Policy;
  const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId }));
  const tags = (await kms.send(new ListResourceTagsCommand({ KeyId: meta.KeyId }))).Tags;
  const aliases = (await kms.send(new ListAliasesCommand({ KeyId: meta.KeyId }))).Aliases;
  const grants = (await kms.send(new ListGrantsCommand({ KeyId: meta.KeyId }))).Grants;
  const { $metadata: _m, ...rotationStatus } = rotation;
  return { meta, policy, rotationStatus, tags, aliases, grants };
}

/** The SDK shows an absent or empty message as "UnknownError". */
export const messageOf = (e: Error) => (e.message === "UnknownError" ? "" : e.message);

/**
 * Sends a call that must fail with `code` (HTTP 400 unless given) and, when `message` is given,
 * that message (a string is exact, a RegExp matches); `keyId`'s state must be unchanged.
 */
export async function refusal(
  kms: KMSClient,
  call: () => Promise<unknown>,
  code: string,
  options: { message?: string | RegExp; keyId?: string; status?: number } = {},
) {
  const before = options.keyId ? await keyState(kms, options.keyId) : undefined;
  const error = await failure(call());
  assert.equal(error.name, code, `${error.name}: ${error.message}`);
  assert.equal(error.$metadata.httpStatusCode, options.status ?? 400);
  if (typeof options.message === "string") assert.equal(messageOf(error), options.message);
  else if (options.message) assert.match(messageOf(error), options.message);
  if (options.keyId) assert.deepEqual(await keyState(kms, options.keyId), before);
  return error;
}

export const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * Moves a key's stored instants `ms` into the past through a state snapshot round trip (time is
 * data: this is what a clock `ms` later would see), and checks the snapshot keeps everything else.
 */
export async function ageKey(server: () => RunningServer, keyId: string, ms: number) {
  const endpoint = server().endpoint;
  const state = await (await fetch(`${endpoint}/_nubis/state`)).json();
  const rows: Array<[string, Record<string, unknown>]> = state.tables["kms.keys"];
  let found = 0;
  for (const [key, value] of rows) {
    if (!key.endsWith(`/${keyId}`)) continue;
    found++;
    for (const field of ["CreationDate", "DeletionDate", "ValidTo"]) if (typeof value[field] === "number") value[field] = (value[field] as number) - ms;
    const rotation = value.Rotation as { Anchor: number } | undefined;
    if (rotation) rotation.Anchor -= ms;
  }
  assert.ok(found, `key ${keyId} not in the state`);
  const res = await fetch(`${endpoint}/_nubis/state`, { method: "POST", body: JSON.stringify(state), headers: { "content-type": "application/json" } });
  assert.equal(res.status, 200, await res.text());
}

export const DAY = 24 * 60 * 60 * 1000;
