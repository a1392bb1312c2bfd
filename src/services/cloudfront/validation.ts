import { createPublicKey } from "node:crypto";
import { AwsError } from "../../core/errors.js";

const invalid = (message: string) => new AwsError("InvalidArgument", message);

/** CloudFront comments are at most 128 characters. */
export function comment(value: string | undefined, what: string) {
  if (value !== undefined && [...value].length > 128) throw invalid(`The ${what} comment cannot be longer than 128 characters.`);
}

/** Names and caller references: present, at most 128 characters. */
export function text(value: string | undefined, member: string) {
  if (value === undefined || value === "") throw invalid(`${member} is required and cannot be empty.`);
  if ([...value].length > 128) throw invalid(`${member} cannot be longer than 128 characters.`);
}

/**
 * A public key must be a PEM SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) holding an RSA-2048 or
 * an EC P-256 key. Returns the key as CloudFront stores it: with a trailing newline.
 */
export function encodedKey(pem: string | undefined): string {
  const refuse = () =>
    invalid("The EncodedKey is not a valid public key: CloudFront accepts a PEM-encoded SubjectPublicKeyInfo of an RSA 2048-bit or ECDSA P-256 key.");
  if (!pem) throw refuse();
  if (!/^\s*-----BEGIN PUBLIC KEY-----\r?\n[\s\S]+\r?\n-----END PUBLIC KEY-----\s*$/.test(pem)) throw refuse();
  let details: { type?: string; bits?: number; curve?: string };
  try {
    const key = createPublicKey({ key: pem, format: "pem" });
    details = {
      type: key.asymmetricKeyType,
      bits: key.asymmetricKeyDetails?.modulusLength,
      curve: key.asymmetricKeyDetails?.namedCurve,
    };
  } catch {
    throw refuse();
  }
  const ok = (details.type === "rsa" && details.bits === 2048) || (details.type === "ec" && details.curve === "prime256v1");
  if (!ok) throw refuse();
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}
