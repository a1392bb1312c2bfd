import type {
  DeleteServerCertificateRequest,
  GetServerCertificateRequest,
  GetServerCertificateResponse,
  ListServerCertificatesRequest,
  ListServerCertificatesResponse,
  ServerCertificateMetadata,
  UpdateServerCertificateRequest,
  UploadServerCertificateRequest,
  UploadServerCertificateResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { pageByPath } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { uniqueId } from "./ids.js";
import { isoSeconds, limitExceeded, listPage, nameKey, T } from "./model.js";
import { keyMatches, parseCertificate, parseChain, parsePrivateKey } from "./pem.js";
import { tagHandlers, tagsIfAny, validateTags } from "./tags.js";
import * as check from "./validation.js";

/**
 * Server certificates (ELB, CloudFront under `/cloudfront/`): the certificate, its chain and a
 * private key that must be the certificate's pair. The key is checked, never stored or returned.
 */
export interface ServerCertRecord {
  ServerCertificateName: string;
  ServerCertificateId: string;
  Path: string;
  CertificateBody: string;
  CertificateChain?: string;
  UploadDate: string;
  Expiration: string;
  Tags?: check.Tag[];
}

export const serverCertificateArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:server-certificate${path}${name}`;

const metadata = (account: string, c: ServerCertRecord): ServerCertificateMetadata => ({
  Path: c.Path,
  ServerCertificateName: c.ServerCertificateName,
  ServerCertificateId: c.ServerCertificateId,
  Arn: serverCertificateArn(account, c.Path, c.ServerCertificateName),
  UploadDate: new Date(c.UploadDate),
  Expiration: new Date(c.Expiration),
});

const exists = (name: string) => new AwsError("EntityAlreadyExists", `The Server Certificate with name ${name} already exists.`);

export async function requireServerCertificate(tx: Transaction, account: string, name: string): Promise<ServerCertRecord> {
  const c = await tx.get<ServerCertRecord>(T.serverCerts, nameKey(account, name));
  if (!c || c.ServerCertificateName !== name) throw new AwsError("NoSuchEntity", `The Server Certificate with name ${name} cannot be found.`);
  return c;
}

const certName = (v: ReturnType<typeof check.iamValidator>, value: string | undefined, member = "ServerCertificateName") =>
  check.entityName(v, value, member, 128);

export const UploadServerCertificate: Handler<UploadServerCertificateRequest, UploadServerCertificateResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  certName(v, input.ServerCertificateName);
  check.path(v, input.Path, "Path");
  v.length(input.CertificateBody, "CertificateBody", 1, 16384);
  v.length(input.PrivateKey, "PrivateKey", 1, 16384);
  v.length(input.CertificateChain, "CertificateChain", 1, 2097152);
  v.check();
  validateTags(input.Tags as check.Tag[] | undefined, v);
  const cert = parseCertificate(input.CertificateBody!);
  const key = parsePrivateKey(input.PrivateKey!);
  if (input.CertificateChain !== undefined) parseChain(input.CertificateChain);
  if (!keyMatches(cert, key)) throw new AwsError("KeyPairMismatch", "Private key does not match certificate");
  return ctx.transaction(async (tx) => {
    const k = nameKey(ctx.account, input.ServerCertificateName!);
    if (await tx.get(T.serverCerts, k)) throw exists(input.ServerCertificateName!);
    const limit = ctx.quota("ServerCertificatesPerAccount");
    if ((await tx.count(T.serverCerts, `${ctx.account}/`)) >= limit) throw limitExceeded("ServerCertificatesPerAccount", limit);
    const record: ServerCertRecord = {
      ServerCertificateName: input.ServerCertificateName!,
      ServerCertificateId: uniqueId("ASCA"),
      Path: input.Path ?? "/",
      CertificateBody: input.CertificateBody!,
      ...(input.CertificateChain !== undefined ? { CertificateChain: input.CertificateChain } : {}),
      UploadDate: isoSeconds(ctx.now),
      Expiration: new Date(cert.validTo).toISOString().replace(".000Z", "Z"),
      ...(input.Tags?.length ? { Tags: input.Tags as check.Tag[] } : {}),
    };
    await tx.put(T.serverCerts, k, record);
    return { ServerCertificateMetadata: metadata(ctx.account, record), ...tagsIfAny(record.Tags) };
  });
};

export const GetServerCertificate: Handler<GetServerCertificateRequest, GetServerCertificateResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  certName(v, input.ServerCertificateName);
  v.check();
  return ctx.transaction(async (tx) => {
    const c = await requireServerCertificate(tx, ctx.account, input.ServerCertificateName!);
    return {
      ServerCertificate: {
        ServerCertificateMetadata: metadata(ctx.account, c),
        CertificateBody: c.CertificateBody,
        ...(c.CertificateChain !== undefined ? { CertificateChain: c.CertificateChain } : {}),
        Tags: c.Tags ?? [],
      },
    };
  });
};

export const ListServerCertificates: Handler<ListServerCertificatesRequest, ListServerCertificatesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.pathPrefix(v, input.PathPrefix);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    const p = await pageByPath<ServerCertRecord>(tx, T.serverCerts, ctx.account, input);
    return listPage("ServerCertificateMetadataList", { items: p.items.map((c) => metadata(ctx.account, c)), next: p.next });
  });
};

/** Renames and/or moves a certificate; its id, body and tags stay. */
export const UpdateServerCertificate: Handler<UpdateServerCertificateRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  certName(v, input.ServerCertificateName);
  certName(v, input.NewServerCertificateName, "NewServerCertificateName");
  check.path(v, input.NewPath, "NewPath");
  v.check();
  return ctx.transaction(async (tx) => {
    const c = await requireServerCertificate(tx, ctx.account, input.ServerCertificateName!);
    const name = input.NewServerCertificateName ?? c.ServerCertificateName;
    if (name !== c.ServerCertificateName) {
      if (await tx.get(T.serverCerts, nameKey(ctx.account, name))) throw exists(name);
      await tx.delete(T.serverCerts, nameKey(ctx.account, c.ServerCertificateName));
    }
    await tx.put(T.serverCerts, nameKey(ctx.account, name), { ...c, ServerCertificateName: name, Path: input.NewPath ?? c.Path });
    return {};
  });
};

export const DeleteServerCertificate: Handler<DeleteServerCertificateRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  certName(v, input.ServerCertificateName);
  v.check();
  return ctx.transaction(async (tx) => {
    const c = await requireServerCertificate(tx, ctx.account, input.ServerCertificateName!);
    await tx.delete(T.serverCerts, nameKey(ctx.account, c.ServerCertificateName));
    return {};
  });
};

export const { Tag: TagServerCertificate, Untag: UntagServerCertificate, List: ListServerCertificateTags } = tagHandlers({
  member: "ServerCertificateName",
  validate: (v, name) => certName(v, name),
  load: async (tx, account, name) => {
    const c = await requireServerCertificate(tx, account, name);
    return { tags: c.Tags, save: (Tags) => tx.put(T.serverCerts, nameKey(account, c.ServerCertificateName), { ...c, Tags }) };
  },
});
