import { X509Certificate, randomUUID } from "node:crypto";
import type {
  CreateSAMLProviderRequest,
  CreateSAMLProviderResponse,
  DeleteSAMLProviderRequest,
  GetSAMLProviderRequest,
  GetSAMLProviderResponse,
  ListSAMLProvidersResponse,
  UpdateSAMLProviderRequest,
  UpdateSAMLProviderResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { UPPER_ALNUM, randomString } from "../../core/ids.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import type { Validator } from "../../core/validation.js";
import { isoSeconds, limitExceeded, T } from "./model.js";
import { parsePrivateKey } from "./pem.js";
import { tagHandlers, tagsIfAny, validateTags } from "./tags.js";
import * as check from "./validation.js";
import { parseXml, XmlError } from "../../core/xmlSignature.js";

/**
 * SAML 2.0 identity providers: the IdP's metadata document (an EntityDescriptor with an
 * IDPSSODescriptor and its signing certificate), checked when given, and optional private keys
 * for encrypted assertions (only their ids and dates are shown).
 */
export interface SamlProviderRecord {
  Name: string;
  SAMLMetadataDocument: string;
  SAMLProviderUUID: string;
  CreateDate: string;
  ValidUntil: string;
  AssertionEncryptionMode?: string;
  PrivateKeys: Array<{ KeyId: string; Timestamp: string }>;
  Tags?: check.Tag[];
}

const MAX_KEYS = 2;
const YEAR = 365.25 * 86_400_000;

export const samlProviderArn = (account: string, name: string) => `arn:aws:iam::${account}:saml-provider/${name}`;

const arnMember = (v: Validator, value: string | undefined) => v.length(value, "SAMLProviderArn", 20, 2048);

const unparsable = () => new AwsError("InvalidInput", "Could not parse metadata");

/** Well-formed XML, by the same strict parser STS reads SAML assertions with. */
function wellFormed(xml: string): boolean {
  try {
    parseXml(xml);
    return true;
  } catch (error) {
    if (error instanceof XmlError) return false;
    throw error;
  }
}

/**
 * The checks IAM makes of a metadata document: XML, a SAML 2.0 metadata EntityDescriptor with
 * an IDPSSODescriptor holding an X.509 signing certificate. Returns its validUntil, if any.
 */
export function parseMetadata(xml: string): { validUntil?: Date; certificates: X509Certificate[] } {
  if (!wellFormed(xml)) throw unparsable();
  const root = /<(?:([\w.-]+):)?EntityDescriptor\b([^>]*)>/.exec(xml);
  if (!root) throw unparsable();
  const ns = root[1] ? new RegExp(`xmlns:${root[1]}\\s*=\\s*["']urn:oasis:names:tc:SAML:2\\.0:metadata["']`) : /xmlns\s*=\s*["']urn:oasis:names:tc:SAML:2\.0:metadata["']/;
  if (!ns.test(xml)) throw unparsable();
  const idp = /<(?:[\w.-]+:)?IDPSSODescriptor\b[\s\S]*?<\/(?:[\w.-]+:)?IDPSSODescriptor>/.exec(xml);
  if (!idp) throw unparsable();
  const certificates: X509Certificate[] = [];
  for (const c of idp[0].matchAll(/<(?:[\w.-]+:)?X509Certificate>([\s\S]*?)<\/(?:[\w.-]+:)?X509Certificate>/g)) {
    try {
      certificates.push(new X509Certificate(Buffer.from(c[1].replace(/\s+/g, ""), "base64")));
    } catch {
      throw unparsable();
    }
  }
  if (!certificates.length) throw unparsable();
  const until = /\bvalidUntil\s*=\s*["']([^"']+)["']/.exec(root[2]);
  const validUntil = until ? new Date(until[1]) : undefined;
  if (validUntil && Number.isNaN(validUntil.getTime())) throw unparsable();
  return { validUntil, certificates };
}

async function requireProvider(tx: Transaction, account: string, arn: string) {
  const m = /^arn:aws:iam::(\d{12}):saml-provider\/([\w._-]+)$/.exec(arn);
  if (!m) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
  const key = `${account}/${m[2]}`;
  const provider = m[1] === account ? await tx.get<SamlProviderRecord>(T.samlProviders, key) : undefined;
  if (!provider) throw new AwsError("NoSuchEntity", `Manifest not found for arn ${arn}`);
  return { key, provider };
}

/** For STS AssumeRoleWithSAML: a provider's metadata and its signing certificates. Reads only. */
export async function findSamlProvider(tx: Transaction, account: string, arn: string) {
  const m = /^arn:aws:iam::(\d{12}):saml-provider\/([\w._-]+)$/.exec(arn);
  if (!m || m[1] !== account) return undefined;
  const provider = await tx.get<SamlProviderRecord>(T.samlProviders, `${account}/${m[2]}`);
  if (!provider) return undefined;
  return { Arn: arn, Name: provider.Name, SAMLMetadataDocument: provider.SAMLMetadataDocument, ValidUntil: new Date(provider.ValidUntil), certificates: parseMetadata(provider.SAMLMetadataDocument).certificates };
}

const newKey = (now: Date) => ({ KeyId: randomString(UPPER_ALNUM, 26), Timestamp: isoSeconds(now) });

const validUntilOf = (metadata: { validUntil?: Date }, now: Date) => isoSeconds(metadata.validUntil ?? new Date(now.getTime() + 100 * YEAR));

export const CreateSAMLProvider: Handler<CreateSAMLProviderRequest, CreateSAMLProviderResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.SAMLMetadataDocument, "SAMLMetadataDocument", 1000, 10_000_000);
  v.length(input.Name, "Name", 1, 128).pattern(input.Name, "Name", /^[\w._-]+$/, "[\\w._-]+");
  v.oneOf(input.AssertionEncryptionMode, "AssertionEncryptionMode", ["Required", "Allowed"]);
  v.length(input.AddPrivateKey, "AddPrivateKey", 1, 16384);
  v.check();
  validateTags(input.Tags as check.Tag[] | undefined, v);
  const metadata = parseMetadata(input.SAMLMetadataDocument!);
  if (input.AddPrivateKey !== undefined) parsePrivateKey(input.AddPrivateKey);
  return ctx.transaction(async (tx) => {
    const key = `${ctx.account}/${input.Name}`;
    if (await tx.get(T.samlProviders, key)) throw new AwsError("EntityAlreadyExists", `SAMLProvider ${input.Name} already exists`);
    const limit = ctx.quota("SAMLProvidersPerAccount");
    if ((await tx.count(T.samlProviders, `${ctx.account}/`)) >= limit) throw limitExceeded("SAMLProvidersPerAccount", limit);
    const record: SamlProviderRecord = {
      Name: input.Name!,
      SAMLMetadataDocument: input.SAMLMetadataDocument!,
      SAMLProviderUUID: randomUUID(),
      CreateDate: isoSeconds(ctx.now),
      ValidUntil: validUntilOf(metadata, ctx.now),
      ...(input.AssertionEncryptionMode ? { AssertionEncryptionMode: input.AssertionEncryptionMode } : {}),
      PrivateKeys: input.AddPrivateKey !== undefined ? [newKey(ctx.now)] : [],
      ...(input.Tags?.length ? { Tags: input.Tags as check.Tag[] } : {}),
    };
    await tx.put(T.samlProviders, key, record);
    return { SAMLProviderArn: samlProviderArn(ctx.account, record.Name), ...tagsIfAny(record.Tags) };
  });
};

export const GetSAMLProvider: Handler<GetSAMLProviderRequest, GetSAMLProviderResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.SAMLProviderArn);
  v.check();
  return ctx.transaction(async (tx) => {
    const { provider: p } = await requireProvider(tx, ctx.account, input.SAMLProviderArn!);
    return {
      SAMLProviderUUID: p.SAMLProviderUUID,
      SAMLMetadataDocument: p.SAMLMetadataDocument,
      CreateDate: new Date(p.CreateDate),
      ValidUntil: new Date(p.ValidUntil),
      Tags: p.Tags ?? [],
      ...(p.AssertionEncryptionMode ? { AssertionEncryptionMode: p.AssertionEncryptionMode as "Allowed" } : {}),
      ...(p.PrivateKeys.length ? { PrivateKeyList: p.PrivateKeys.map((k) => ({ KeyId: k.KeyId, Timestamp: new Date(k.Timestamp) })) } : {}),
    };
  });
};

/** Not paginated. */
export const ListSAMLProviders: Handler<Record<string, never>, ListSAMLProvidersResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const rows = await tx.scan<SamlProviderRecord>(T.samlProviders, { prefix: `${ctx.account}/`, limit: 100_000 });
    return {
      SAMLProviderList: rows.map(([, p]) => ({ Arn: samlProviderArn(ctx.account, p.Name), ValidUntil: new Date(p.ValidUntil), CreateDate: new Date(p.CreateDate) })),
    };
  });

/** New metadata (checked like Create's), encryption mode, a private key added or removed. */
export const UpdateSAMLProvider: Handler<UpdateSAMLProviderRequest, UpdateSAMLProviderResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.SAMLMetadataDocument, "SAMLMetadataDocument", 1000, 10_000_000);
  arnMember(v, input.SAMLProviderArn);
  v.oneOf(input.AssertionEncryptionMode, "AssertionEncryptionMode", ["Required", "Allowed"]);
  v.length(input.AddPrivateKey, "AddPrivateKey", 1, 16384);
  v.length(input.RemovePrivateKey, "RemovePrivateKey", 22, 64).pattern(input.RemovePrivateKey, "RemovePrivateKey", /^[A-Z0-9]+$/, "[A-Z0-9]+");
  v.check();
  const metadata = input.SAMLMetadataDocument !== undefined ? parseMetadata(input.SAMLMetadataDocument) : undefined;
  if (input.AddPrivateKey !== undefined) parsePrivateKey(input.AddPrivateKey);
  return ctx.transaction(async (tx) => {
    const { key, provider } = await requireProvider(tx, ctx.account, input.SAMLProviderArn!);
    let keys = provider.PrivateKeys;
    if (input.RemovePrivateKey !== undefined) {
      if (!keys.some((k) => k.KeyId === input.RemovePrivateKey)) throw new AwsError("InvalidInput", `Private key ${input.RemovePrivateKey} not found.`);
      keys = keys.filter((k) => k.KeyId !== input.RemovePrivateKey);
    }
    if (input.AddPrivateKey !== undefined) {
      if (keys.length >= MAX_KEYS) throw limitExceeded("PrivateKeysPerSAMLProvider", MAX_KEYS);
      keys = [...keys, newKey(ctx.now)];
    }
    await tx.put(T.samlProviders, key, {
      ...provider,
      ...(metadata ? { SAMLMetadataDocument: input.SAMLMetadataDocument!, ValidUntil: validUntilOf(metadata, ctx.now) } : {}),
      ...(input.AssertionEncryptionMode ? { AssertionEncryptionMode: input.AssertionEncryptionMode } : {}),
      PrivateKeys: keys,
    });
    return { SAMLProviderArn: samlProviderArn(ctx.account, provider.Name) };
  });
};

export const DeleteSAMLProvider: Handler<DeleteSAMLProviderRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.SAMLProviderArn);
  v.check();
  return ctx.transaction(async (tx) => {
    const { key } = await requireProvider(tx, ctx.account, input.SAMLProviderArn!);
    await tx.delete(T.samlProviders, key);
    return {};
  });
};

export const { Tag: TagSAMLProvider, Untag: UntagSAMLProvider, List: ListSAMLProviderTags } = tagHandlers({
  member: "SAMLProviderArn",
  validate: arnMember,
  load: async (tx, account, arn) => {
    const { key, provider } = await requireProvider(tx, account, arn);
    return { tags: provider.Tags, save: (Tags) => tx.put(T.samlProviders, key, { ...provider, Tags }) };
  },
});
