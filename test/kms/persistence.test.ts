/**
 * Key material is state like any other: ciphertexts, signatures and rotations survive a restart
 * on the same data dir and a snapshot taken from one server and loaded into another.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  CreateAliasCommand,
  DecryptCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  KMSClient,
  RotateKeyOnDemandCommand,
  SignCommand,
  VerifyCommand,
} from "@aws-sdk/client-kms";
import { startServer } from "../../src/index.js";
import { clientConfig } from "../harness.js";
import { bytes, createKey } from "./fixtures.js";

describe("KMS key material across restarts and snapshots", () => {
  it("decrypts and verifies after a restart on the same data dir, and after a snapshot round trip", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nubis-kms-persist-"));
    try {
      let server = await startServer({ port: 0, dataDir, log: false });
      let kms = new KMSClient(clientConfig(server.endpoint));
      const key = await createKey(kms);
      await kms.send(new CreateAliasCommand({ AliasName: "alias/persisted", TargetKeyId: key.KeyId }));
      const v1 = (await kms.send(new EncryptCommand({ KeyId: "alias/persisted", Plaintext: bytes("v1"), EncryptionContext: { a: "b" } }))).CiphertextBlob!;
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      const v2 = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes("v2") }))).CiphertextBlob!;
      const signer = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
      const publicKey = (await kms.send(new GetPublicKeyCommand({ KeyId: signer.KeyId }))).PublicKey!;
      const signature = (await kms.send(new SignCommand({ KeyId: signer.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256" }))).Signature!;
      await server.close();

      server = await startServer({ port: 0, dataDir, log: false });
      kms = new KMSClient(clientConfig(server.endpoint));
      const check = async (client: KMSClient) => {
        assert.equal(Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: v1, EncryptionContext: { a: "b" } }))).Plaintext!).toString(), "v1");
        assert.equal(Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: v2 }))).Plaintext!).toString(), "v2");
        assert.deepEqual((await client.send(new GetPublicKeyCommand({ KeyId: signer.KeyId }))).PublicKey, publicKey);
        const ok = await client.send(new VerifyCommand({ KeyId: signer.KeyId, Message: bytes("m"), SigningAlgorithm: "ECDSA_SHA_256", Signature: signature }));
        assert.equal(ok.SignatureValid, true);
      };
      await check(kms);
      const snapshot = await (await fetch(`${server.endpoint}/_nubis/state`)).text();
      await server.close();

      const fresh = await startServer({ port: 0, log: false });
      try {
        const res = await fetch(`${fresh.endpoint}/_nubis/state`, { method: "POST", body: snapshot, headers: { "content-type": "application/json" } });
        assert.equal(res.status, 200);
        await check(new KMSClient(clientConfig(fresh.endpoint)));
      } finally {
        await fresh.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
