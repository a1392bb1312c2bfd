import { BASE32, randomString, secureRandom } from "../../core/ids.js";

/**
 * Unique ids: a 4-letter prefix (AGPA group, AIDA user, ANPA policy, APKA SSH key, ASCA server
 * certificate, ACCA service-specific credential) and 17 base32 characters.
 */
export const uniqueId = (prefix: string) => prefix + randomString(BASE32, 17);

export const groupArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:group${path}${name}`;
export const userArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:user${path}${name}`;
export const policyArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:policy${path}${name}`;

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * `AKIA` + 16 base32 characters that encode the account id the way AWS's keys do: decoding
 * characters 5 onward, the first 6 bytes masked with 0x7fffffffff80 and shifted right by 7
 * give the account, so tools that read the account from a key id get the right one.
 */
export function accessKeyId(account: string): string {
  const bytes = secureRandom(10);
  const packed = BigInt(account) * 128n + BigInt(bytes[5] & 0x7f);
  for (let i = 0; i < 6; i++) bytes[i] = Number((packed >> BigInt(8 * (5 - i))) & 0xffn);
  return "AKIA" + base32(bytes);
}

export const secretAccessKey = () => secureRandom(30).toString("base64").replace(/[+/]/g, (c) => (c === "+" ? "A" : "B"));
