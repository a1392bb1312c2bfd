import type {
  DeleteSigningCertificateRequest,
  ListSigningCertificatesRequest,
  ListSigningCertificatesResponse,
  UpdateSigningCertificateRequest,
  UploadSigningCertificateRequest,
  UploadSigningCertificateResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { UPPER_ALNUM, randomString } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import * as cred from "./credentials.js";
import { childKey, isoSeconds, limitExceeded, requireUser, T } from "./model.js";
import { parseCertificate } from "./pem.js";
import * as check from "./validation.js";

/** X.509 signing certificates (SOAP/EC2 legacy): 2 per user, the body returned as uploaded. */
export interface SigningCertRecord {
  CertificateId: string;
  CertificateBody: string;
  /** SHA-256 of the DER, to refuse the same certificate twice in the account. */
  Fingerprint: string;
  Status: string;
  UploadDate: string;
}

/** The named user, or without UserName the caller: its IAM user or the account root (kept under `root`). */
async function holder(tx: Transaction, ctx: RequestContext, userName: string | undefined) {
  const name = userName ?? ctx.principal.userName;
  if (name === undefined) return { UserName: undefined, UserId: "root" };
  const user = await requireUser(tx, ctx.account, name);
  return { UserName: user.UserName, UserId: user.UserId };
}

/** The root's certificates name no user. */
const output = (userName: string | undefined, c: SigningCertRecord) => ({
  UserName: userName as string,
  CertificateId: c.CertificateId,
  CertificateBody: c.CertificateBody,
  Status: c.Status as "Active",
  UploadDate: new Date(c.UploadDate),
});

const certId = (v: ReturnType<typeof check.iamValidator>, value: string | undefined) => cred.credentialId(v, value, "CertificateId", 24);

export const UploadSigningCertificate: Handler<UploadSigningCertificateRequest, UploadSigningCertificateResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  v.length(input.CertificateBody, "CertificateBody", 1, 16384);
  v.check();
  return ctx.transaction(async (tx) => {
    const owner = await holder(tx, ctx, input.UserName);
    const cert = parseCertificate(input.CertificateBody!);
    const fingerprint = cert.fingerprint256;
    for (const [, c] of await tx.scan<SigningCertRecord>(T.signingCerts, { prefix: `${ctx.account}/`, limit: 100_000 })) {
      if (c.Fingerprint === fingerprint) {
        throw new AwsError("DuplicateCertificate", "The request was rejected because the same certificate is associated with an IAM user in the account.");
      }
    }
    const limit = ctx.quota("SigningCertificatesPerUser");
    if ((await tx.count(T.signingCerts, childKey(ctx.account, owner.UserId))) >= limit) throw limitExceeded("CertificatesPerUser", limit);
    const record: SigningCertRecord = {
      CertificateId: randomString(UPPER_ALNUM, 24),
      CertificateBody: input.CertificateBody!,
      Fingerprint: fingerprint,
      Status: "Active",
      UploadDate: isoSeconds(ctx.now),
    };
    await tx.put(T.signingCerts, childKey(ctx.account, owner.UserId, record.CertificateId), record);
    return { Certificate: output(owner.UserName, record) };
  });
};

export const ListSigningCertificates: Handler<ListSigningCertificatesRequest, ListSigningCertificatesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  cred.paging(v, input);
  v.check();
  return ctx.transaction(async (tx) => {
    const owner = await holder(tx, ctx, input.UserName);
    return cred.page(tx, cred.KINDS.signingCert, ctx.account, owner.UserId, "Certificates", input, (c: SigningCertRecord) => output(owner.UserName, c));
  });
};

export const UpdateSigningCertificate: Handler<UpdateSigningCertificateRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  certId(v, input.CertificateId);
  cred.status(v, input.Status);
  v.check();
  return ctx.transaction(async (tx) => {
    const owner = await holder(tx, ctx, input.UserName);
    await cred.setStatus(tx, cred.KINDS.signingCert, ctx.account, owner.UserId, input.CertificateId!, input.Status!);
    return {};
  });
};

export const DeleteSigningCertificate: Handler<DeleteSigningCertificateRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  certId(v, input.CertificateId);
  v.check();
  return ctx.transaction(async (tx) => {
    const owner = await holder(tx, ctx, input.UserName);
    await cred.remove(tx, cred.KINDS.signingCert, ctx.account, owner.UserId, input.CertificateId!);
    return {};
  });
};
