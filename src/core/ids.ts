import { randomBytes, randomFillSync, randomUUID } from "node:crypto";

export const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
export const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Random bytes come from one pool refilled 16 KiB at a time: a randomBytes() call costs ~4 µs
// whatever its size (one OpenSSL call), a 16 KiB refill ~5 µs; one call per id cost ~8% of
// CreateGroup's CPU, and an STS session's secret and token ~10% of AssumeRole's (bench/profile.ts).
// Same CSPRNG, same distribution; node:crypto's randomUUID pools the same way.
const pool = Buffer.allocUnsafe(16384);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++];
}

/** `n` bytes from the CSPRNG, as randomBytes(n) gives them; a copy, since the pool is overwritten at its next refill. */
export function secureRandom(n: number): Buffer {
  if (n > pool.length / 4) return randomBytes(n);
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** `length` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias). */
export function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
  }
  return out;
}

export const uuid = () => randomUUID();

/**
 * An access key id (`AKIA`, `ASIA` + 16 base32 characters) that encodes its account the way
 * AWS's keys do: decoding characters 5 onward, the first 6 bytes masked with 0x7fffffffff80
 * and shifted right by 7 give the account (what GetAccessKeyInfo and tools read).
 */
export function accountKeyId(prefix: string, account: string): string {
  const bytes = Buffer.alloc(10);
  for (let i = 0; i < 10; i++) bytes[i] = randomByte();
  const packed = BigInt(account) * 128n + BigInt(bytes[5] & 0x7f);
  for (let i = 0; i < 6; i++) bytes[i] = Number((packed >> BigInt(8 * (5 - i))) & 0xffn);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return prefix + out;
}

/** The account an AWS-format key id encodes (the inverse of `accountKeyId`), or undefined. */
export function accountOfKeyId(keyId: string): string | undefined {
  if (!/^A[A-Z]{3}[A-Z2-7]{12,}$/.test(keyId)) return undefined;
  let bits = 0n;
  let n = 0;
  for (const c of keyId.slice(4, 14)) {
    bits = (bits << 5n) | BigInt(BASE32.indexOf(c));
    n += 5;
  }
  // 10 characters = 50 bits; the first 48 are the 6 bytes.
  const first6 = bits >> BigInt(n - 48);
  const account = (first6 & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, "0");
}
