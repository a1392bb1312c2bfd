/**
 * ECDSA over a digest the caller computed (KMS Sign/Verify with MessageType DIGEST): node:crypto
 * signs only what it hashed itself. Verification is @noble/curves' (prehash off, high S accepted
 * as OpenSSL accepts it). Signing is the equation of FIPS 186-5 §6.4.1 with noble's modular
 * arithmetic and DER encoding, but the costly step, R = k·G, is OpenSSL's (through ECDH): on
 * P-256 noble's BigInt multiplication costs ~0.7 ms, OpenSSL's ~15 µs (on the other curves the
 * two are close). As KMS's signatures, these are randomized (a fresh k each time) and S is not
 * normalised to the low half. Loaded on the first such call (noble takes a while to import).
 */
import { createECDH, type ECDH, type KeyObject } from "node:crypto";
import type { ECDSA } from "@noble/curves/abstract/weierstrass.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { secureRandom } from "../../core/ids.js";

interface Curve {
  ecdsa: ECDSA;
  /** OpenSSL's multiplication by G (ECDH's public key of a private scalar). */
  ecdh: ECDH;
  /** Nonces made at a time: see nonce(). */
  batch: number;
  /** Nonces made and not used yet. */
  ready: Array<{ r: bigint; kInverse: bigint }>;
}

const makeCurve = (ecdsa: ECDSA, name: string, batch: number): Curve => ({ ecdsa, ecdh: createECDH(name), batch, ready: [] });

/**
 * The curves of the ECC key specs, by OpenSSL's names (KeyObject's namedCurve). OpenSSL multiplies
 * fast on P-256 only (~15 µs, precomputed tables); there the inversion of k (~40 µs in BigInt)
 * would be most of a signature, so nonces come 32 at a time and share one inversion.
 */
const CURVES: Record<string, Curve> = {
  prime256v1: makeCurve(p256, "prime256v1", 32),
  secp384r1: makeCurve(p384, "secp384r1", 1),
  secp521r1: makeCurve(p521, "secp521r1", 1),
  secp256k1: makeCurve(secp256k1, "secp256k1", 1),
};

const toBigInt = (bytes: Uint8Array) => (bytes.length ? BigInt(`0x${Buffer.from(bytes).toString("hex")}`) : 0n);

interface EcKey {
  curve: Curve;
  /** The private scalar (absent for a public key). */
  d?: bigint;
  /** The public point, uncompressed SEC1 (0x04 ‖ x ‖ y). */
  point: Uint8Array;
}

// KeyObjects are cached by the caller (crypto.ts), so their scalars are read from the JWK once.
const parsed = new WeakMap<KeyObject, EcKey>();

function ecKey(key: KeyObject): EcKey {
  let k = parsed.get(key);
  if (!k) {
    const jwk = key.export({ format: "jwk" });
    const b64 = (s: string) => Buffer.from(s, "base64url");
    k = {
      curve: CURVES[key.asymmetricKeyDetails!.namedCurve!],
      d: jwk.d ? toBigInt(b64(jwk.d)) : undefined,
      point: Buffer.concat([Buffer.from([4]), b64(jwk.x!), b64(jwk.y!)]),
    };
    parsed.set(key, k);
  }
  return k;
}

/**
 * Steps 4–6 of FIPS 186-5 §6.4.1, which depend on the curve only (OpenSSL's ECDSA_sign_setup
 * precomputes the same pair): a fresh k, r = x(k·G) mod n, and k⁻¹. Each nonce is used once.
 */
function nonce(c: Curve): { r: bigint; kInverse: bigint } {
  const next = c.ready.pop();
  if (next) return next;
  const Fn = c.ecdsa.Point.Fn;
  const topBits = 0xff >> (8 * Fn.BYTES - Fn.BITS);
  const ks: bigint[] = [];
  const rs: bigint[] = [];
  while (ks.length < c.batch) {
    // 4: k uniform in [1, n − 1], by rejection sampling (FIPS 186-5 §A.3.2): Fn.BITS random bits until below n.
    const kBytes = secureRandom(Fn.BYTES);
    kBytes[0] &= topBits;
    const k = toBigInt(kBytes);
    if (k === 0n || k >= Fn.ORDER) continue;
    c.ecdh.setPrivateKey(kBytes); // 5: R = k·G, by OpenSSL
    const R = c.ecdh.getPublicKey();
    const r = Fn.create(toBigInt(R.subarray(1, 1 + (R.length - 1) / 2))); // 6: r = x(R) mod n
    if (r === 0n) continue;
    ks.push(k);
    rs.push(r);
  }
  const inverses = Fn.invertBatch(ks); // one inversion for the batch (Montgomery's trick)
  for (let i = 1; i < ks.length; i++) c.ready.push({ r: rs[i], kInverse: inverses[i] });
  return { r: rs[0], kInverse: inverses[0] };
}

/** The DER signature SEQUENCE { r, s } of a digest, with a private EC key. */
export function signDigest(key: KeyObject, digest: Uint8Array): Buffer {
  const { curve: c, d } = ecKey(key);
  const Fn = c.ecdsa.Point.Fn;
  // Steps 1–3: e from the leftmost bits of the digest (a digest is never longer than n here: KMS
  // pairs each curve with its hash, and SHA-512's 512 bits are fewer than P-521's order's 521).
  const excess = 8 * digest.length - Fn.BITS;
  const e = Fn.create(excess > 0 ? toBigInt(digest) >> BigInt(excess) : toBigInt(digest));
  for (;;) {
    const { r, kInverse } = nonce(c); // 4–6
    const s = Fn.mul(kInverse, Fn.add(e, Fn.mul(r, d!))); // 7: s = k⁻¹(e + r·d) mod n
    if (s === 0n) continue;
    return Buffer.from(new c.ecdsa.Signature(r, s).toBytes("der")); // 8, as DER (RFC 3279)
  }
}

/** True when `signature` (DER) is an ECDSA signature of the digest under the key's public point. */
export function verifyDigest(key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const { curve, point } = ecKey(key);
  try {
    return curve.ecdsa.verify(signature, digest, point, { prehash: false, lowS: false, format: "der" });
  } catch {
    return false;
  }
}
