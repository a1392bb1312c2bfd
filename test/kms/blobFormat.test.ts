/**
 * The ciphertext blob's format is state: blobs written by earlier versions of nubis (kept by
 * callers, in snapshots, in data directories) must open with every later one. These were
 * written before aad() was rewritten for speed; any change to the blob or to what the GCM tag
 * authenticates breaks them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newMaterial, openBlob, parseBlob, sealBlob } from "../../src/services/kms/crypto.js";
import type { KeyRecord } from "../../src/services/kms/model.js";

const material = { ...newMaterial(Buffer.alloc(32, 0x42), 0), Id: "ab".repeat(32) };
const single = { Account: "111122223333", Region: "eu-west-3", KeyId: "0d7f1e4c-9a43-4b7e-8c1a-2f5e6d7c8b9a", MultiRegion: false } as KeyRecord;
const multi = { ...single, KeyId: "mrk-0123456789abcdef0123456789abcdef", MultiRegion: true } as KeyRecord;
const context = { purpose: "golden", "aws-crypto-public-key": "A1b2+/=", é: "ünïcödé", "": "", zeta: "last" };

const GOLDEN_SINGLE =
  "ASQwZDdmMWU0Yy05YTQzLTRiN2UtOGMxYS0yZjVlNmQ3YzhiOWGrq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq7nu4FhGb2w0M3SP/iZukNx1E8DKaFU4Jyf3/iQPgTN9nI8VtxWMAS4dz91o1UeAA2mqQ+3Pplyvpc49b/YzF+d6ucfFOKgEVeWlYhM82df6NAkZEhaS";
const GOLDEN_MULTI = "ASRtcmstMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWarq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq00oNzV7PL36IkQRPMkVJT2FOvHVoG9V0AJyW3yPjI8Pr3Tinqcsxo+1T6YpclWjrU0HssU=";

const open = (k: KeyRecord, blob: Uint8Array, ctx?: Record<string, string>) => openBlob(k, material, parseBlob(blob)!, ctx)?.toString();

describe("KMS ciphertext blob format", () => {
  it("opens blobs written by earlier versions, with and without a context", () => {
    assert.equal(open(single, Buffer.from(GOLDEN_SINGLE, "base64"), context), "the plaintext of a blob written before aad() was rewritten");
    assert.equal(open(multi, Buffer.from(GOLDEN_MULTI, "base64")), "multi-Region, no context");
    // The context's order does not matter; its content does.
    const reversed = Object.fromEntries(Object.entries(context).reverse());
    assert.equal(open(single, Buffer.from(GOLDEN_SINGLE, "base64"), reversed), "the plaintext of a blob written before aad() was rewritten");
    assert.equal(open(single, Buffer.from(GOLDEN_SINGLE, "base64"), { ...context, zeta: "Last" }), undefined);
    assert.equal(open(single, Buffer.from(GOLDEN_SINGLE, "base64"), { ...context, extra: "" }), undefined);
    assert.equal(open({ ...single, Region: "eu-west-1" }, Buffer.from(GOLDEN_SINGLE, "base64"), context), undefined);
    assert.equal(open({ ...multi, Region: "ap-south-1" }, Buffer.from(GOLDEN_MULTI, "base64")), "multi-Region, no context");
  });

  it("a blob written now opens the same way, and each is unique (fresh IV)", () => {
    const a = sealBlob(single, material, Buffer.from("now"), context);
    const b = sealBlob(single, material, Buffer.from("now"), context);
    assert.notDeepEqual(a, b);
    assert.equal(open(single, a, context), "now");
    assert.equal(open(single, b, { ...context }), "now");
    assert.equal(open(single, a, {}), undefined);
  });
});
