/**
 * DIGEST signatures checked by tools nobody here wrote: boto3 signs, Python's `cryptography`
 * verifies over the pre-hashed digest (its own ECDSA and PSS code path), including digests at
 * the edges (all zeros; all ones, above the curve order); and the AWS CLI signs and verifies.
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { KeySpec } from "@aws-sdk/client-kms";
import { aws, boto3, useServer } from "../harness.js";
import { createKey, kmsClient } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

const SIGNERS: Array<[KeySpec, string[]]> = [
  ["RSA_2048", ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512"]],
  ["RSA_3072", ["RSASSA_PSS_SHA_512"]],
  ["ECC_NIST_P256", ["ECDSA_SHA_256"]],
  ["ECC_NIST_P384", ["ECDSA_SHA_384"]],
  ["ECC_NIST_P521", ["ECDSA_SHA_512"]],
  ["ECC_SECG_P256K1", ["ECDSA_SHA_256"]],
];

/** KEYS, a list of [key id, algorithms], is prepended as a Python literal. */
const SCRIPT = `
import boto3, hashlib, json, os
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.exceptions import InvalidSignature
kms = boto3.client("kms", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
HASHES = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}
results = []
for key_id, algorithms in KEYS:
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    for alg in algorithms:
        h = HASHES[alg[-3:]]
        for digest in [hashlib.new(h.name, b"python").digest(), bytes(h.digest_size), b"\\xff" * h.digest_size]:
            sig = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=alg)["Signature"]
            pre = utils.Prehashed(h)
            try:
                if alg.startswith("ECDSA"):
                    public.verify(sig, digest, ec.ECDSA(pre))
                elif alg.startswith("RSASSA_PSS"):
                    public.verify(sig, digest, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), pre)
                else:
                    public.verify(sig, digest, padding.PKCS1v15(), pre)
                ok = True
            except InvalidSignature:
                ok = False
            again = kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=alg, Signature=sig)["SignatureValid"]
            results.append({"key": key_id, "alg": alg, "digest": digest.hex()[:8], "cryptography": ok, "nubis": again})
print(json.dumps(results))
`;

describe("KMS DIGEST signatures with boto3, Python's cryptography and the AWS CLI", () => {
  it("every DIGEST signature nubis makes verifies with cryptography's Prehashed, edge digests included", async () => {
    const kms = client();
    const keys: Array<[string, string[]]> = [];
    for (const [spec, algorithms] of SIGNERS) keys.push([(await createKey(kms, { KeySpec: spec, KeyUsage: "SIGN_VERIFY" })).KeyId!, algorithms]);
    const results: Array<{ key: string; alg: string; digest: string; cryptography: boolean; nubis: boolean }> = await boto3(
      server().endpoint,
      `KEYS = ${JSON.stringify(keys)}\n${SCRIPT}`,
    );
    assert.equal(results.length, keys.reduce((n, [, algs]) => n + 3 * algs.length, 0));
    for (const r of results) assert.deepEqual([r.cryptography, r.nubis], [true, true], `${r.alg} over ${r.digest}…`);
  });

  it("the AWS CLI signs a digest file and verifies it; node:crypto verifies over the message", async () => {
    const kms = client();
    const key = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    const dir = mkdtempSync(join(tmpdir(), "nubis-kms-cli-"));
    try {
      const message = Buffer.from("signed through the CLI");
      const digestFile = join(dir, "digest");
      writeFileSync(digestFile, createHash("sha256").update(message).digest());
      const endpoint = server().endpoint;
      const signed = await aws(endpoint, "kms", "sign", "--key-id", key.KeyId!, "--message", `fileb://${digestFile}`, "--message-type", "DIGEST", "--signing-algorithm", "ECDSA_SHA_256");
      assert.equal(signed.code, 0, signed.stderr);
      const signature = Buffer.from(signed.json().Signature, "base64");
      const pub = await aws(endpoint, "kms", "get-public-key", "--key-id", key.KeyId!);
      const publicKey = createPublicKey({ key: Buffer.from(pub.json().PublicKey, "base64"), format: "der", type: "spki" });
      assert.ok(verify("sha256", message, { key: publicKey, dsaEncoding: "der" }, signature));
      const sigFile = join(dir, "sig");
      writeFileSync(sigFile, signature);
      const verified = await aws(endpoint, "kms", "verify", "--key-id", key.KeyId!, "--message", `fileb://${digestFile}`, "--message-type", "DIGEST", "--signing-algorithm", "ECDSA_SHA_256", "--signature", `fileb://${sigFile}`);
      assert.equal(verified.code, 0, verified.stderr);
      assert.equal(verified.json().SignatureValid, true);
      writeFileSync(digestFile, createHash("sha256").update("another message").digest());
      const refused = await aws(endpoint, "kms", "verify", "--key-id", key.KeyId!, "--message", `fileb://${digestFile}`, "--message-type", "DIGEST", "--signing-algorithm", "ECDSA_SHA_256", "--signature", `fileb://${sigFile}`);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /KMSInvalidSignatureException/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
