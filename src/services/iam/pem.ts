import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { AwsError } from "../../core/errors.js";

/** PEM X.509 certificates and private keys as IAM reads them (signing and server certificates). */

const malformed = (what = "certificate") =>
  new AwsError("MalformedCertificate", `Unable to parse ${what}. Please ensure the ${what} is in PEM format.`);

const PEM_CERT = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/g;

/** Exactly one PEM certificate (surrounding whitespace allowed), parsed. */
export function parseCertificate(body: string, what = "certificate"): X509Certificate {
  const blocks = body.match(PEM_CERT) ?? [];
  if (blocks.length !== 1 || body.replace(PEM_CERT, "").trim() !== "") throw malformed(what);
  try {
    return new X509Certificate(blocks[0]);
  } catch {
    throw malformed(what);
  }
}

/** One or more PEM certificates, each parsed. */
export function parseChain(chain: string): X509Certificate[] {
  const blocks = chain.match(PEM_CERT) ?? [];
  if (!blocks.length || chain.replace(PEM_CERT, "").trim() !== "") throw malformed("certificate chain");
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch {
      throw malformed("certificate chain");
    }
  });
}

/** An unencrypted PEM private key (PKCS#1, PKCS#8 or SEC1). */
export function parsePrivateKey(pem: string): KeyObject {
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(pem)) throw malformed("private key");
  try {
    return createPrivateKey(pem);
  } catch {
    throw malformed("private key");
  }
}

/** True when the private key is the certificate's key pair. */
export function keyMatches(cert: X509Certificate, key: KeyObject): boolean {
  const der = (k: KeyObject) => k.export({ type: "spki", format: "der" });
  return der(createPublicKey(key)).equals(der(cert.publicKey));
}
