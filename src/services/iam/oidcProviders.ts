import type {
  AddClientIDToOpenIDConnectProviderRequest,
  CreateOpenIDConnectProviderRequest,
  CreateOpenIDConnectProviderResponse,
  DeleteOpenIDConnectProviderRequest,
  GetOpenIDConnectProviderRequest,
  GetOpenIDConnectProviderResponse,
  ListOpenIDConnectProvidersResponse,
  RemoveClientIDFromOpenIDConnectProviderRequest,
  UpdateOpenIDConnectProviderThumbprintRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import type { Validator } from "../../core/validation.js";
import { isoSeconds, limitExceeded, T } from "./model.js";
import { tagHandlers, tagsIfAny, validateTags } from "./tags.js";
import * as check from "./validation.js";

/**
 * OpenID Connect identity providers (GitHub Actions, EKS IRSA): keyed by the issuer URL
 * without `https://`, which is also the end of the ARN.
 */
export interface OidcProviderRecord {
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: string;
  Tags?: check.Tag[];
}

const CLIENT_IDS = 100;
const THUMBPRINTS = 5;

export const oidcProviderArn = (account: string, url: string) => `arn:aws:iam::${account}:oidc-provider/${url}`;

const arnMember = (v: Validator, value: string | undefined) => v.length(value, "OpenIDConnectProviderArn", 20, 2048);

/** The provider an ARN names, or NoSuchEntity (an ARN of another form is InvalidInput). */
async function requireProvider(tx: Transaction, account: string, arn: string) {
  const m = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  if (!m) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
  const key = `${account}/${m[2]}`;
  const provider = m[1] === account ? await tx.get<OidcProviderRecord>(T.oidcProviders, key) : undefined;
  if (!provider) throw new AwsError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`);
  return { key, provider };
}

/** For STS AssumeRoleWithWebIdentity: the provider of an issuer (`iss`, with or without https://). Reads only. */
export async function findOidcProvider(tx: Transaction, account: string, issuer: string) {
  const url = issuer.replace(/^https:\/\//, "");
  const provider = await tx.get<OidcProviderRecord>(T.oidcProviders, `${account}/${url}`);
  return provider && { Arn: oidcProviderArn(account, url), Url: url, ClientIDList: provider.ClientIDList, ThumbprintList: provider.ThumbprintList };
}

function clientIds(v: Validator, ids: string[] | undefined, member: string) {
  ids?.forEach((id, i) => v.length(id, `${member}.${i + 1}.member`, 1, 255));
}

/** Thumbprints: 40 characters each (the model), hexadecimal, at most 5. */
function thumbprints(v: Validator, list: string[] | undefined) {
  list?.forEach((t, i) => v.length(t, `ThumbprintList.${i + 1}.member`, 40, 40));
  v.check();
  if (!list) return;
  if (list.length > THUMBPRINTS) throw new AwsError("InvalidInput", `Thumbprint list must contain fewer than ${THUMBPRINTS} entries.`);
  for (const t of list) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw new AwsError("InvalidInput", `Thumbprint ${t} is not a valid SHA-1 hex string.`);
}

const unique = (list: string[]) => [...new Set(list)];

export const CreateOpenIDConnectProvider: Handler<CreateOpenIDConnectProviderRequest, CreateOpenIDConnectProviderResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.Url, "Url", 1, 255);
  clientIds(v, input.ClientIDList, "ClientIDList");
  thumbprints(v, input.ThumbprintList);
  validateTags(input.Tags as check.Tag[] | undefined, v);
  // An https URL with a host, maybe a path; no port, query or fragment.
  const m = /^https:\/\/([a-zA-Z0-9.-]+(?:\/[^?#\s:]*)?)$/.exec(input.Url!);
  if (!m) throw new AwsError("InvalidInput", "Invalid Open ID Connect Provider URL");
  const url = m[1];
  const ids = unique(input.ClientIDList ?? []);
  if (ids.length > CLIENT_IDS) throw limitExceeded("ClientIdsPerOpenIdConnectProvider", CLIENT_IDS);
  return ctx.transaction(async (tx) => {
    const key = `${ctx.account}/${url}`;
    if (await tx.get(T.oidcProviders, key)) throw new AwsError("EntityAlreadyExists", `Provider with url ${input.Url} already exists.`);
    const limit = ctx.quota("OpenIdConnectProvidersPerAccount");
    if ((await tx.count(T.oidcProviders, `${ctx.account}/`)) >= limit) throw limitExceeded("OpenIdConnectProvidersPerAccount", limit);
    const record: OidcProviderRecord = {
      Url: url,
      ClientIDList: ids,
      ThumbprintList: unique(input.ThumbprintList ?? []),
      CreateDate: isoSeconds(ctx.now),
      ...(input.Tags?.length ? { Tags: input.Tags as check.Tag[] } : {}),
    };
    await tx.put(T.oidcProviders, key, record);
    return { OpenIDConnectProviderArn: oidcProviderArn(ctx.account, url), ...tagsIfAny(record.Tags) };
  });
};

export const GetOpenIDConnectProvider: Handler<GetOpenIDConnectProviderRequest, GetOpenIDConnectProviderResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.OpenIDConnectProviderArn);
  v.check();
  return ctx.transaction(async (tx) => {
    const { provider } = await requireProvider(tx, ctx.account, input.OpenIDConnectProviderArn!);
    return {
      Url: provider.Url,
      ClientIDList: provider.ClientIDList,
      ThumbprintList: provider.ThumbprintList,
      CreateDate: new Date(provider.CreateDate),
      Tags: provider.Tags ?? [],
    };
  });
};

/** Not paginated: every provider's ARN. */
export const ListOpenIDConnectProviders: Handler<Record<string, never>, ListOpenIDConnectProvidersResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const rows = await tx.scan<OidcProviderRecord>(T.oidcProviders, { prefix: `${ctx.account}/`, limit: 100_000 });
    return { OpenIDConnectProviderList: rows.map(([, p]) => ({ Arn: oidcProviderArn(ctx.account, p.Url) })) };
  });

export const DeleteOpenIDConnectProvider: Handler<DeleteOpenIDConnectProviderRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.OpenIDConnectProviderArn);
  v.check();
  return ctx.transaction(async (tx) => {
    const { key } = await requireProvider(tx, ctx.account, input.OpenIDConnectProviderArn!);
    await tx.delete(T.oidcProviders, key);
    return {};
  });
};

/** Replaces the whole list. */
export const UpdateOpenIDConnectProviderThumbprint: Handler<UpdateOpenIDConnectProviderThumbprintRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.OpenIDConnectProviderArn);
  v.required(input.ThumbprintList, "ThumbprintList");
  thumbprints(v, input.ThumbprintList);
  return ctx.transaction(async (tx) => {
    const { key, provider } = await requireProvider(tx, ctx.account, input.OpenIDConnectProviderArn!);
    await tx.put(T.oidcProviders, key, { ...provider, ThumbprintList: unique(input.ThumbprintList!) });
    return {};
  });
};

/** Adding a client id already there changes nothing. */
export const AddClientIDToOpenIDConnectProvider: Handler<AddClientIDToOpenIDConnectProviderRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.OpenIDConnectProviderArn);
  v.length(input.ClientID, "ClientID", 1, 255);
  v.check();
  return ctx.transaction(async (tx) => {
    const { key, provider } = await requireProvider(tx, ctx.account, input.OpenIDConnectProviderArn!);
    if (provider.ClientIDList.includes(input.ClientID!)) return {};
    if (provider.ClientIDList.length >= CLIENT_IDS) throw limitExceeded("ClientIdsPerOpenIdConnectProvider", CLIENT_IDS);
    await tx.put(T.oidcProviders, key, { ...provider, ClientIDList: [...provider.ClientIDList, input.ClientID!] });
    return {};
  });
};

/** Removing a client id that is not there changes nothing. */
export const RemoveClientIDFromOpenIDConnectProvider: Handler<RemoveClientIDFromOpenIDConnectProviderRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  arnMember(v, input.OpenIDConnectProviderArn);
  v.length(input.ClientID, "ClientID", 1, 255);
  v.check();
  return ctx.transaction(async (tx) => {
    const { key, provider } = await requireProvider(tx, ctx.account, input.OpenIDConnectProviderArn!);
    if (!provider.ClientIDList.includes(input.ClientID!)) return {};
    await tx.put(T.oidcProviders, key, { ...provider, ClientIDList: provider.ClientIDList.filter((c) => c !== input.ClientID) });
    return {};
  });
};

export const {
  Tag: TagOpenIDConnectProvider,
  Untag: UntagOpenIDConnectProvider,
  List: ListOpenIDConnectProviderTags,
} = tagHandlers({
  member: "OpenIDConnectProviderArn",
  validate: arnMember,
  load: async (tx, account, arn) => {
    const { key, provider } = await requireProvider(tx, account, arn);
    return { tags: provider.Tags, save: (Tags) => tx.put(T.oidcProviders, key, { ...provider, Tags }) };
  },
});
