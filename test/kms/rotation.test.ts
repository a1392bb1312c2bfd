import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { useServer } from "../harness.js";
import { ageKey, bytes, createKey, DAY, kmsClient, refusal } from "./fixtures.js";

const server = useServer({ quotas: { "kms.OnDemandRotationsPerKey": 3 } });
const client = kmsClient(server);

describe("KMS rotation", () => {
  it("enables with a period, reports the next date, and disables", async () => {
    const kms = client();
    const key = await createKey(kms);
    assert.deepEqual(
      { ...(await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))), $metadata: undefined },
      { KeyRotationEnabled: false, KeyId: key.Arn, $metadata: undefined },
    );
    const before = Date.now();
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    let status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.Arn }));
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 365);
    const next = status.NextRotationDate!.getTime();
    assert.ok(next >= before + 365 * DAY - 1000 && next <= Date.now() + 365 * DAY + 1000);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(status.RotationPeriodInDays, 90);
    assert.equal(status.NextRotationDate!.getTime(), next - 275 * DAY);
    await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
    status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(status.KeyRotationEnabled, false);
    assert.equal(status.RotationPeriodInDays, undefined);
  });

  it("rotates when the date comes (derived at read time) and old ciphertexts still decrypt", async () => {
    const kms = client();
    const key = await createKey(kms);
    const old = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("before") }))).CiphertextBlob!;
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    await ageKey(server, key.KeyId!, 181 * DAY);
    const meta = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.notEqual(meta.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations!;
    assert.equal(rotations.length, 2);
    assert.deepEqual(rotations.map((r) => r.RotationType), ["AUTOMATIC", "AUTOMATIC"]);
    assert.equal(rotations[1].KeyMaterialId, meta.CurrentKeyMaterialId);
    assert.equal(rotations[1].KeyMaterialState, "CURRENT");
    assert.equal(rotations[0].KeyMaterialState, "NON_CURRENT");
    const all = (await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: "ALL_KEY_MATERIAL" }))).Rotations!;
    assert.equal(all.length, 3);
    assert.equal(all[0].KeyMaterialId, key.CurrentKeyMaterialId);
    // The schedule continues from the last rotation.
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(status.NextRotationDate!.getTime(), rotations[1].RotationDate!.getTime() + 90 * DAY);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: old }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), "before");
    assert.equal(dec.KeyMaterialId, key.CurrentKeyMaterialId);
    const fresh = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("after") }));
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }))).KeyMaterialId, meta.CurrentKeyMaterialId);
    // Reading again derives the same material (nothing random at read time).
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId, meta.CurrentKeyMaterialId);
  });

  it("does not rotate a disabled key", async () => {
    const kms = client();
    const key = await createKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await ageKey(server, key.KeyId!, 100 * DAY);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
    assert.deepEqual((await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations, []);
  });

  it("rotates on demand, up to the quota, keeping old ciphertexts", async () => {
    const kms = client();
    const key = await createKey(kms);
    const old = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("v1") }))).CiphertextBlob!;
    for (let i = 0; i < 3; i++) assert.equal((await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))).KeyId, key.Arn);
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2 })));
    assert.equal(rotations.Rotations!.length, 2);
    assert.equal(rotations.Truncated, true);
    const rest = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2, Marker: rotations.NextMarker }));
    assert.equal(rest.Rotations!.length, 1);
    assert.equal(rest.Rotations![0].RotationType, "ON_DEMAND");
    await refusal(kms, () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), "LimitExceededException", {
      message: `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`,
      keyId: key.KeyId,
    });
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: old }))).Plaintext!).toString(), "v1");
  });

  it("answers false for asymmetric and HMAC keys, and refuses to change their rotation", async () => {
    const kms = client();
    for (const input of [{ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }, { KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }] as const) {
      const key = await createKey(kms, input);
      assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled, false);
      await refusal(kms, () => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), "UnsupportedOperationException", { keyId: key.KeyId });
      await refusal(kms, () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), "UnsupportedOperationException", { message: "", keyId: key.KeyId });
      await refusal(kms, () => kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId })), "UnsupportedOperationException");
    }
  });

  it("refuses periods out of range, disabled keys and keys pending import", async () => {
    const kms = client();
    const key = await createKey(kms);
    for (const [days, rule] of [[89, "greater than or equal to 90"], [2561, "less than or equal to 2560"]] as const) {
      await refusal(kms, () => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: days })), "ValidationException", {
        message: `1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value ${rule}`,
        keyId: key.KeyId,
      });
    }
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await refusal(kms, () => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), "DisabledException", { message: `${key.Arn} is disabled.`, keyId: key.KeyId });
    await refusal(kms, () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), "DisabledException", { keyId: key.KeyId });
    const external = await createKey(kms, { Origin: "EXTERNAL" });
    await refusal(kms, () => kms.send(new RotateKeyOnDemandCommand({ KeyId: external.KeyId })), "KMSInvalidStateException", { message: `${external.Arn} is pending import.` });
  });
});

describe("KMS deletion after the waiting period", () => {
  it("is gone after its deletion date: DescribeKey NotFound, ListKeys, aliases and ciphertexts", async () => {
    const kms = client("eu-west-3");
    const key = await createKey(kms);
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("x") }))).CiphertextBlob!;
    await kms.send(new CreateAliasCommand({ AliasName: "alias/doomed", TargetKeyId: key.KeyId }));
    await kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: "arn:aws:iam::000000000000:user/g", Operations: ["Decrypt"], RetiringPrincipal: "arn:aws:iam::000000000000:user/r" }));
    const out = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal(out.KeyState, "PendingDeletion");
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.PendingDeletionWindowInDays, 7);
    await ageKey(server, key.KeyId!, 6 * DAY);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState, "PendingDeletion");
    await ageKey(server, key.KeyId!, 1 * DAY + 1000);
    await refusal(kms, () => kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })), "NotFoundException", { message: `Key '${key.Arn}' does not exist` });
    assert.ok(!(await kms.send(new ListKeysCommand({}))).Keys!.some((k) => k.KeyId === key.KeyId));
    assert.ok(!(await kms.send(new ListAliasesCommand({}))).Aliases!.some((a) => a.AliasName === "alias/doomed"));
    await refusal(kms, () => kms.send(new DecryptCommand({ CiphertextBlob: blob })), "AccessDeniedException");
    await refusal(kms, () => kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })), "NotFoundException");
    // The alias name is free again.
    const next = await createKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: "alias/doomed", TargetKeyId: next.KeyId }));
  });
});
