import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import type {
  DeleteSSHPublicKeyRequest,
  GetSSHPublicKeyRequest,
  GetSSHPublicKeyResponse,
  ListSSHPublicKeysRequest,
  ListSSHPublicKeysResponse,
  UpdateSSHPublicKeyRequest,
  UploadSSHPublicKeyRequest,
  UploadSSHPublicKeyResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import * as cred from "./credentials.js";
import { uniqueId } from "./ids.js";
import { childKey, isoSeconds, T, type UserRecord } from "./model.js";
import * as check from "./validation.js";

/** SSH public keys for CodeCommit: RSA of 2048 bits or more, in OpenSSH (`ssh-rsa …`) or PEM form. */
export interface SshKeyRecord {
  SSHPublicKeyId: string;
  /** The body as uploaded. */
  Body: string;
  /** The OpenSSH wire blob (base64): what the fingerprint hashes and the SSH encoding shows. */
  Blob: string;
  Fingerprint: string;
  Status: string;
  UploadDate: string;
}

const KEYS_PER_USER = 5;

const invalid = (why = "The specified public key is not valid.") => new AwsError("InvalidPublicKey", why);
const unrecognized = () => new AwsError("UnrecognizedPublicKeyEncoding", "The specified public key encoding is not recognized.");

/** An SSH string or mpint: 4-byte length, then the bytes. */
const sshField = (bytes: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
};
const mpint = (unsigned: Buffer) => sshField(unsigned[0] & 0x80 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned);

function readFields(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) throw invalid();
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) throw invalid();
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

const b64url = (b: Buffer) => b.toString("base64url");
const unsigned = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** Parses the body into its RSA key and OpenSSH blob; refuses what AWS refuses. */
export function parseSshPublicKey(body: string): { key: KeyObject; blob: Buffer } {
  const text = body.trim();
  let key: KeyObject;
  if (text.startsWith("-----BEGIN")) {
    try {
      key = createPublicKey(text);
    } catch {
      throw invalid();
    }
  } else {
    const parts = text.split(/\s+/);
    if (parts.length < 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1])) throw unrecognized();
    if (parts[0] !== "ssh-rsa") throw unrecognized();
    const blob = Buffer.from(parts[1], "base64");
    const [type, e, n, ...rest] = readFields(blob);
    if (!type || type.toString() !== "ssh-rsa" || !e || !n || rest.length) throw invalid();
    try {
      key = createPublicKey({ key: { kty: "RSA", n: b64url(unsigned(n)), e: b64url(unsigned(e)) }, format: "jwk" });
    } catch {
      throw invalid();
    }
  }
  if (key.asymmetricKeyType !== "rsa") throw unrecognized();
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw invalid("The public key must be at least 2048 bits long.");
  const jwk = key.export({ format: "jwk" }) as { n: string; e: string };
  const blob = Buffer.concat([sshField(Buffer.from("ssh-rsa")), mpint(Buffer.from(jwk.e, "base64url")), mpint(Buffer.from(jwk.n, "base64url"))]);
  return { key, blob };
}

/** MD5 of the blob, as 16 colon-separated hex pairs. */
const fingerprint = (blob: Buffer) => createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");

const full = (user: UserRecord, k: SshKeyRecord, body: string) => ({
  UserName: user.UserName,
  SSHPublicKeyId: k.SSHPublicKeyId,
  Fingerprint: k.Fingerprint,
  SSHPublicKeyBody: body,
  Status: k.Status as "Active",
  UploadDate: new Date(k.UploadDate),
});

const keyId = (v: ReturnType<typeof check.iamValidator>, value: string | undefined) => cred.credentialId(v, value, "SSHPublicKeyId");

export const UploadSSHPublicKey: Handler<UploadSSHPublicKeyRequest, UploadSSHPublicKeyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  v.length(input.SSHPublicKeyBody, "SSHPublicKeyBody", 1, 16384);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    const { blob } = parseSshPublicKey(input.SSHPublicKeyBody!);
    const existing = await cred.all<SshKeyRecord>(tx, cred.KINDS.sshKey, ctx.account, user.UserId);
    const b64 = blob.toString("base64");
    if (existing.some((k) => k.Blob === b64)) throw new AwsError("DuplicateSSHPublicKey", "The specified public key is already associated with this user.");
    if (existing.length >= KEYS_PER_USER) throw new AwsError("LimitExceeded", `Cannot exceed quota for PublicKeysPerUser: ${KEYS_PER_USER}`);
    const record: SshKeyRecord = {
      SSHPublicKeyId: uniqueId("APKA"),
      Body: input.SSHPublicKeyBody!,
      Blob: b64,
      Fingerprint: fingerprint(blob),
      Status: "Active",
      UploadDate: isoSeconds(ctx.now),
    };
    await tx.put(T.sshKeys, childKey(ctx.account, user.UserId, record.SSHPublicKeyId), record);
    return { SSHPublicKey: full(user, record, record.Body) };
  });
};

/** The body in the encoding asked for: as uploaded when it was uploaded that way, else converted. */
export const GetSSHPublicKey: Handler<GetSSHPublicKeyRequest, GetSSHPublicKeyResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  keyId(v, input.SSHPublicKeyId);
  v.oneOf(input.Encoding, "Encoding", ["SSH", "PEM"]);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    const k = await cred.requireCredential<SshKeyRecord>(tx, cred.KINDS.sshKey, ctx.account, user.UserId, input.SSHPublicKeyId!);
    const uploadedAsPem = k.Body.trim().startsWith("-----BEGIN");
    let body: string;
    if (input.Encoding === "PEM") {
      body = uploadedAsPem ? k.Body : (parseSshPublicKey(k.Body).key.export({ type: "spki", format: "pem" }) as string);
    } else {
      body = uploadedAsPem ? `ssh-rsa ${k.Blob}` : k.Body;
    }
    return { SSHPublicKey: full(user, k, body) };
  });
};

export const ListSSHPublicKeys: Handler<ListSSHPublicKeysRequest, ListSSHPublicKeysResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  cred.paging(v, input);
  v.check();
  return ctx.transaction(async (tx) => {
    if (input.UserName === undefined && ctx.principal.userName === undefined) return { SSHPublicKeys: [], IsTruncated: false };
    const user = await cred.subject(tx, ctx, input.UserName);
    return cred.page(tx, cred.KINDS.sshKey, ctx.account, user.UserId, "SSHPublicKeys", input, (k: SshKeyRecord) => ({
      UserName: user.UserName,
      SSHPublicKeyId: k.SSHPublicKeyId,
      Status: k.Status as "Active",
      UploadDate: new Date(k.UploadDate),
    }));
  });
};

export const UpdateSSHPublicKey: Handler<UpdateSSHPublicKeyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  keyId(v, input.SSHPublicKeyId);
  cred.status(v, input.Status);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    await cred.setStatus(tx, cred.KINDS.sshKey, ctx.account, user.UserId, input.SSHPublicKeyId!, input.Status!);
    return {};
  });
};

export const DeleteSSHPublicKey: Handler<DeleteSSHPublicKeyRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 64);
  keyId(v, input.SSHPublicKeyId);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await cred.subject(tx, ctx, input.UserName);
    await cred.remove(tx, cred.KINDS.sshKey, ctx.account, user.UserId, input.SSHPublicKeyId!);
    return {};
  });
};
