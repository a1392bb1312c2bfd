import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import { secureRandom } from "../ids.js";

/**
 * Encoded authorization messages: what services such as EC2 put in an AccessDenied answer
 * ("Encoded authorization failure message: …") and STS DecodeAuthorizationMessage opens.
 * Sealed with AES-256-GCM under a key every nubis process shares, so a message decodes after a
 * restart and a string nubis did not issue is refused.
 */

const KEY = createHash("sha256").update("nubis authorization messages v1").digest();

export interface AuthorizationDetails {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: { items: unknown[] };
  failures: { items: unknown[] };
  context: {
    principal: { id: string; arn: string };
    action: string;
    resource: string;
    conditions: { items: Array<{ key: string; values: { items: Array<{ value: string }> } }> };
  };
}

export function encodeAuthorizationMessage(details: AuthorizationDetails): string {
  const iv = secureRandom(12);
  const cipher = createCipheriv("aes-256-gcm", KEY, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(details), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The JSON text of a message nubis issued, or undefined. */
export function decodeAuthorizationMessage(encoded: string): string | undefined {
  try {
    const raw = Buffer.from(encoded, "base64url");
    if (raw.length < 29) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", KEY, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}
