import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateGrantCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from "@aws-sdk/client-kms";
import { useServer } from "../harness.js";
import { bytes, createKey, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

const GRANTEE = "arn:aws:iam::000000000000:user/grantee";
const RETIRER = "arn:aws:iam::000000000000:role/retirer";

describe("KMS grants", () => {
  it("creates, lists (filters, pages), and revokes", async () => {
    const kms = client();
    const key = await createKey(kms);
    const before = Date.now();
    const a = await kms.send(
      new CreateGrantCommand({
        KeyId: key.KeyId,
        GranteePrincipal: GRANTEE,
        RetiringPrincipal: RETIRER,
        Operations: ["Encrypt", "Decrypt"],
        Constraints: { EncryptionContextSubset: { app: "x" } },
        Name: "first",
      }),
    );
    assert.match(a.GrantId!, /^[0-9a-f]{64}$/);
    assert.match(a.GrantToken!, /^AQpA/);
    const b = await kms.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: "arn:aws:iam::000000000000:user/other", Operations: ["DescribeKey"] }));
    const list = await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }));
    assert.equal(list.Grants!.length, 2);
    const entry = list.Grants!.find((g) => g.GrantId === a.GrantId)!;
    assert.equal(entry.KeyId, key.Arn);
    assert.equal(entry.Name, "first");
    assert.equal(entry.GranteePrincipal, GRANTEE);
    assert.equal(entry.RetiringPrincipal, RETIRER);
    assert.equal(entry.IssuingAccount, "arn:aws:iam::000000000000:root");
    assert.deepEqual(entry.Operations, ["Encrypt", "Decrypt"]);
    assert.deepEqual(entry.Constraints, { EncryptionContextSubset: { app: "x" } });
    assert.ok(entry.CreationDate!.getTime() >= before - 1000);
    const other = list.Grants!.find((g) => g.GrantId === b.GrantId)!;
    assert.equal(other.Name, undefined);
    assert.equal(other.RetiringPrincipal, undefined);
    assert.deepEqual((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId, GrantId: a.GrantId }))).Grants!.map((g) => g.GrantId), [a.GrantId]);
    assert.deepEqual((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE }))).Grants!.map((g) => g.GrantId), [a.GrantId]);
    const first = await kms.send(new ListGrantsCommand({ KeyId: key.KeyId, Limit: 1 }));
    assert.equal(first.Truncated, true);
    const second = await kms.send(new ListGrantsCommand({ KeyId: key.KeyId, Limit: 1, Marker: first.NextMarker }));
    assert.equal(second.Truncated, false);
    assert.notEqual(first.Grants![0].GrantId, second.Grants![0].GrantId);
    assert.deepEqual((await kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: RETIRER }))).Grants!.map((g) => g.GrantId), [a.GrantId]);
    await kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: b.GrantId }));
    assert.deepEqual((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants!.map((g) => g.GrantId), [a.GrantId]);
    await refusal(kms, () => kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: b.GrantId })), "NotFoundException", { keyId: key.KeyId });
  });

  it("is idempotent by name: same parameters give the same grant id and a new token", async () => {
    const kms = client();
    const key = await createKey(kms);
    const input = { KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ["Encrypt" as const], Name: "same" };
    const a = await kms.send(new CreateGrantCommand(input));
    const b = await kms.send(new CreateGrantCommand(input));
    assert.equal(a.GrantId, b.GrantId);
    assert.notEqual(a.GrantToken, b.GrantToken);
    assert.equal((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants!.length, 1);
    const other = await createKey(kms);
    const c = await kms.send(new CreateGrantCommand({ ...input, KeyId: other.KeyId }));
    assert.notEqual(c.GrantId, a.GrantId);
    const unnamed = { KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ["Encrypt" as const] };
    await kms.send(new CreateGrantCommand(unnamed));
    await kms.send(new CreateGrantCommand(unnamed));
    assert.equal((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants!.length, 3);
  });

  it("retires by token and by key and grant id; tokens work as grant tokens", async () => {
    const kms = client();
    const key = await createKey(kms);
    const a = await kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ["Encrypt", "Decrypt"] }));
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("g"), GrantTokens: [a.GrantToken!] }));
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, GrantTokens: [a.GrantToken!] }));
    await kms.send(new RetireGrantCommand({ GrantToken: a.GrantToken }));
    assert.equal((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants!.length, 0);
    const b = await kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ["Encrypt"] }));
    await refusal(kms, () => kms.send(new RetireGrantCommand({ GrantToken: b.GrantToken, DryRun: true })), "DryRunOperationException", { keyId: key.KeyId });
    await kms.send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: b.GrantId }));
    assert.equal((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants!.length, 0);
    await refusal(kms, () => kms.send(new RetireGrantCommand({ GrantToken: "garbage-token" })), "InvalidGrantTokenException");
    await refusal(kms, () => kms.send(new RetireGrantCommand({})), "ValidationException");
    await refusal(kms, () => kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: "not-hex" })), "InvalidGrantIdException");
  });

  for (const [label, input, code] of [
    ["an operation the key cannot do", { Operations: ["Sign"] }, "ValidationException"],
    ["an unknown operation", { Operations: ["Fly"] }, "ValidationException"],
    ["no operations", { Operations: [] }, "ValidationException"],
    ["both constraints", { Operations: ["Encrypt"], Constraints: { EncryptionContextSubset: { a: "1" }, EncryptionContextEquals: { a: "1" } } }, "ValidationException"],
    ["a constraint with a context-less operation", { Operations: ["Encrypt", "GetPublicKey"], Constraints: { EncryptionContextSubset: { a: "1" } } }, "ValidationException"],
    ["a malformed grantee", { Operations: ["Encrypt"], GranteePrincipal: "a b" }, "ValidationException"],
    ["a bad grant token", { Operations: ["Encrypt"], GrantTokens: ["x"] }, "InvalidGrantTokenException"],
    ["DryRun", { Operations: ["Encrypt"], DryRun: true }, "DryRunOperationException"],
  ] as const) {
    it(`refuses ${label} with ${code} and creates no grant`, async () => {
      const kms = client();
      const key = await createKey(kms);
      await refusal(kms, () => kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE, ...(input as object) } as never)), code, { keyId: key.KeyId });
    });
  }

  it("refuses grants on disabled and unknown keys", async () => {
    const kms = client();
    const key = await createKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await refusal(kms, () => kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ["Encrypt"] })), "DisabledException", { keyId: key.KeyId });
    await refusal(kms, () => kms.send(new CreateGrantCommand({ KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab", GranteePrincipal: GRANTEE, Operations: ["Encrypt"] })), "NotFoundException");
  });
});
