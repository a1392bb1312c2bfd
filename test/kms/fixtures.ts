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
