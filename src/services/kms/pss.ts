/**
 * RSASSA-PSS over a digest the caller computed (KMS Sign/Verify with MessageType DIGEST).
 * node:crypto's PSS always hashes the message itself, so the encoding is done here, as RFC 8017
 * writes it (EMSA-PSS, §9.1, with MGF1 of §B.2.1 on the same hash), and only the raw RSA
 * operation is OpenSSL's: RSASP1 is privateEncrypt without padding, RSAVP1 publicDecrypt.
 * KMS's salt is as long as the hash (32, 48 or 64 bytes).
 */
import { constants, createHash, type KeyObject, privateEncrypt, publicDecrypt, timingSafeEqual } from "node:crypto";
import { secureRandom } from "../../core/ids.js";

const hashOf = (hash: string, ...parts: Uint8Array[]) => {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** MGF1 (§B.2.1): Hash(seed ‖ counter) for counter = 0, 1, ..., truncated to `length` bytes. */
function mgf1(hash: string, seed: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 0, have = 0; have < length; i++) {
    counter.writeUInt32BE(i);
    const block = hashOf(hash, seed, counter);
    blocks.push(block);
    have += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const xorInPlace = (target: Buffer, mask: Buffer) => {
  for (let i = 0; i < target.length; i++) target[i] ^= mask[i];
};

const ZEROS = Buffer.alloc(8);

/** Modulus size in bits and bytes. */
function sizes(key: KeyObject) {
  const modBits = key.asymmetricKeyDetails!.modulusLength!;
  const emBits = modBits - 1;
  return { k: Math.ceil(modBits / 8), emBits, emLen: Math.ceil(emBits / 8) };
}

/** RSASSA-PSS-SIGN (§8.1.1) of `mHash` with a private key. */
export function signPss(key: KeyObject, hash: string, mHash: Uint8Array): Buffer {
  const { k, emBits, emLen } = sizes(key);
  const hLen = mHash.length;
  const sLen = hLen;
  // EMSA-PSS-ENCODE (§9.1.1); step 2 (mHash = Hash(M)) is the caller's digest.
  if (emLen < hLen + sLen + 2) throw new Error("encoding error"); // 3 (never for KMS's 2048-bit and larger keys)
  const salt = secureRandom(sLen); // 4
  const h = hashOf(hash, ZEROS, mHash, salt); // 5–6: H = Hash(M'), M' = 0x00×8 ‖ mHash ‖ salt
  const db = Buffer.alloc(emLen - hLen - 1); // 7–8: DB = PS (zeros) ‖ 0x01 ‖ salt
  db[db.length - sLen - 1] = 0x01;
  salt.copy(db, db.length - sLen);
  xorInPlace(db, mgf1(hash, h, db.length)); // 9–10: maskedDB = DB ⊕ MGF(H)
  db[0] &= 0xff >> (8 * emLen - emBits); // 11
  const em = Buffer.concat([Buffer.alloc(k - emLen), db, h, Buffer.from([0xbc])]); // 12, as k bytes for RSASP1
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, em); // §8.1.1 step 2: RSASP1
}

/** RSASSA-PSS-VERIFY (§8.1.2) of `signature` over `mHash` with a public key. */
export function verifyPss(key: KeyObject, hash: string, mHash: Uint8Array, signature: Uint8Array): boolean {
  const { k, emBits, emLen } = sizes(key);
  if (signature.length !== k) return false; // §8.1.2 step 1
  let m: Buffer;
  try {
    m = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature); // step 2: RSAVP1 (refuses s ≥ n)
  } catch {
    return false;
  }
  if (m.length !== k || (k > emLen && m[0] !== 0)) return false;
  const em = m.subarray(k - emLen);
  const hLen = mHash.length;
  const sLen = hLen;
  // EMSA-PSS-VERIFY (§9.1.2)
  if (emLen < hLen + sLen + 2) return false; // 3
  if (em[emLen - 1] !== 0xbc) return false; // 4
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1)); // 5: maskedDB, copied to unmask
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 0xff >> (8 * emLen - emBits);
  if ((db[0] & ~topBits) !== 0) return false; // 6
  xorInPlace(db, mgf1(hash, h, db.length)); // 7–8
  db[0] &= topBits; // 9
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false; // 10
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen); // 11
  const expected = hashOf(hash, ZEROS, mHash, salt); // 12–13
  return timingSafeEqual(expected, h); // 14
}
