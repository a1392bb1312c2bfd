import type {
  CreateFieldLevelEncryptionConfigRequest,
  CreateFieldLevelEncryptionConfigResult,
  CreateFieldLevelEncryptionProfileRequest,
  CreateFieldLevelEncryptionProfileResult,
  DeleteFieldLevelEncryptionConfigRequest,
  DeleteFieldLevelEncryptionProfileRequest,
  FieldLevelEncryptionConfig,
  FieldLevelEncryptionProfileConfig,
  GetFieldLevelEncryptionConfigRequest,
  GetFieldLevelEncryptionConfigResult,
  GetFieldLevelEncryptionProfileConfigRequest,
  GetFieldLevelEncryptionProfileConfigResult,
  GetFieldLevelEncryptionProfileRequest,
  GetFieldLevelEncryptionProfileResult,
  GetFieldLevelEncryptionRequest,
  GetFieldLevelEncryptionResult,
  ListFieldLevelEncryptionConfigsRequest,
  ListFieldLevelEncryptionConfigsResult,
  ListFieldLevelEncryptionProfilesRequest,
  ListFieldLevelEncryptionProfilesResult,
  UpdateFieldLevelEncryptionConfigRequest,
  UpdateFieldLevelEncryptionConfigResult,
  UpdateFieldLevelEncryptionProfileRequest,
  UpdateFieldLevelEncryptionProfileResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import { randomString, UPPER_ALNUM } from "../../core/ids.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { checkQuantities, invalid, listOf, required } from "./configLists.js";
import { resourceUrl } from "./ids.js";
import { key, listPage, maxItemsOf, missingBody, oneOf, requirePublicKey, shortList, T } from "./model.js";
import { ref, refuseInUse, setReferences } from "./references.js";
import * as check from "./validation.js";
import { checkIfMatch, nextVersion, type Versioned } from "./versioning.js";

/**
 * Field-level encryption: profiles name the public keys that encrypt fields, configs map
 * content types and query arguments to profiles, distributions' cache behaviours name configs.
 * Each link is an in-use reference: a key used by a profile rows in the public-key usage table
 * (so DeletePublicKey answers PublicKeyInUse as for key groups), a profile used by a config and a
 * config used by a distribution in references.ts.
 */
const PROFILES = "cloudfront.fleProfiles"; //              acct/id -> ProfileRecord
const PROFILE_NAMES = "cloudfront.fleProfileNames"; //     acct/name -> id
const PROFILE_REFS = "cloudfront.fleProfileCallerRefs"; // acct/callerReference -> id
const CONFIGS = "cloudfront.fleConfigs"; //                acct/id -> ConfigRecord
const CONFIG_REFS = "cloudfront.fleConfigCallerRefs"; //   acct/callerReference -> id

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface ProfileRecord extends Versioned {
  Id: string;
  LastModifiedTime: string;
  Config: Any;
}
interface ConfigRecord extends Versioned {
  Id: string;
  LastModifiedTime: string;
  Config: Any;
  Refs: string[];
}

// Ids: `C`/`P` + 13 of [A-Z0-9] (AWS shows C3KM2WVD605UAY, PPK0UOSIF5WSV).
const configId = () => "C" + randomString(UPPER_ALNUM, 13);
const profileId = () => "P" + randomString(UPPER_ALNUM, 13);

const QUOTA = { fieldPatterns: 10, queryArgProfiles: 5, contentTypeProfiles: 10, entities: 10 };

const noSuchProfile = () => new AwsError("NoSuchFieldLevelEncryptionProfile", "The specified profile for field-level encryption doesn't exist.", 404);
const noSuchConfig = () => new AwsError("NoSuchFieldLevelEncryptionConfig", "The specified configuration for field-level encryption doesn't exist.", 404);

async function requireProfile(tx: Transaction, account: string, id: string | undefined) {
  const r = id ? await tx.get<ProfileRecord>(PROFILES, key(account, id)) : undefined;
  if (!r) throw noSuchProfile();
  return r;
}
async function requireConfig(tx: Transaction, account: string, id: string | undefined) {
  const r = id ? await tx.get<ConfigRecord>(CONFIGS, key(account, id)) : undefined;
  if (!r) throw noSuchConfig();
  return r;
}

/** Whether a distribution's FieldLevelEncryptionId names a config of the account. */
export const fleConfigExists = async (tx: Transaction, account: string, id: string) => !!(await tx.get(CONFIGS, key(account, id)));

// ---- profiles ----

function validProfile(c: FieldLevelEncryptionProfileConfig | undefined): Any {
  if (!c) throw missingBody();
  check.text(c.Name, "Name");
  check.text(c.CallerReference, "CallerReference");
  check.comment(c.Comment, "field-level encryption profile");
  required(c.EncryptionEntities, "EncryptionEntities");
  checkQuantities(c.EncryptionEntities);
  const entities = c.EncryptionEntities!.Items ?? [];
  if (entities.length > QUOTA.entities) {
    throw new AwsError("TooManyFieldLevelEncryptionEncryptionEntities", "The maximum number of encryption entities for field-level encryption have been created.", 400);
  }
  let size = 0;
  for (const [i, e] of entities.entries()) {
    required(e.PublicKeyId, `EncryptionEntities.Items[${i}].PublicKeyId`);
    required(e.ProviderId, `EncryptionEntities.Items[${i}].ProviderId`);
    required(e.FieldPatterns, `EncryptionEntities.Items[${i}].FieldPatterns`);
    const patterns = e.FieldPatterns!.Items ?? [];
    if (!patterns.length) throw invalid("Each encryption entity must list at least one field pattern.");
    if (patterns.length > QUOTA.fieldPatterns) {
      throw new AwsError("TooManyFieldLevelEncryptionFieldPatterns", "The maximum number of field patterns for field-level encryption have been created.", 400);
    }
    size += e.ProviderId!.length + patterns.join("").length;
  }
  // AWS caps a profile's total size at 10 KB.
  if (size > 10240) throw new AwsError("FieldLevelEncryptionProfileSizeExceeded", "The maximum size of a profile for field-level encryption was exceeded.", 400);
  return {
    Name: c.Name,
    CallerReference: c.CallerReference,
    Comment: c.Comment ?? "",
    EncryptionEntities: listOf(
      entities.map((e) => ({ PublicKeyId: e.PublicKeyId, ProviderId: e.ProviderId, FieldPatterns: listOf([...(e.FieldPatterns!.Items ?? [])]) })),
    ),
  };
}

const keysOf = (c: Any): string[] => [...new Set<string>((c.EncryptionEntities.Items ?? []).map((e: Any) => e.PublicKeyId))];

async function setKeyUsage(tx: Transaction, account: string, profile: string, before: string[], after: string[]) {
  for (const k of before) if (!after.includes(k)) await tx.delete(T.keyUsage, key(account, k, profile));
  for (const k of after) if (!before.includes(k)) await tx.put(T.keyUsage, key(account, k, profile), profile);
}

async function checkKeys(tx: Transaction, account: string, c: Any) {
  for (const k of keysOf(c)) await requirePublicKey(tx, account, k);
}

const profileOf = (r: ProfileRecord) => ({ Id: r.Id, LastModifiedTime: new Date(r.LastModifiedTime), FieldLevelEncryptionProfileConfig: r.Config });

const profileTaken = () =>
  new AwsError("FieldLevelEncryptionProfileAlreadyExists", "The specified profile for field-level encryption already exists.", 409);

export const CreateFieldLevelEncryptionProfile: Handler<CreateFieldLevelEncryptionProfileRequest, CreateFieldLevelEncryptionProfileResult> = async (input, ctx) => {
  const config = validProfile(input.FieldLevelEncryptionProfileConfig);
  return ctx.transaction(async (tx) => {
    if (await tx.get(PROFILE_REFS, key(ctx.account, config.CallerReference))) throw profileTaken();
    if (await tx.get(PROFILE_NAMES, key(ctx.account, config.Name))) throw profileTaken();
    await checkKeys(tx, ctx.account, config);
    if ((await tx.count(PROFILES, `${ctx.account}/`)) >= ctx.quota("FieldLevelEncryptionProfilesPerAccount")) {
      throw new AwsError("TooManyFieldLevelEncryptionProfiles", "The maximum number of profiles for field-level encryption have been created.", 400);
    }
    const r = nextVersion({ Id: profileId(), LastModifiedTime: ctx.now.toISOString(), Config: config });
    await tx.put(PROFILES, key(ctx.account, r.Id), r);
    await tx.put(PROFILE_NAMES, key(ctx.account, config.Name), r.Id);
    await tx.put(PROFILE_REFS, key(ctx.account, config.CallerReference), r.Id);
    await setKeyUsage(tx, ctx.account, r.Id, [], keysOf(config));
    return { FieldLevelEncryptionProfile: profileOf(r), Location: resourceUrl("field-level-encryption-profile", r.Id), ETag: r.ETag };
  });
};

export const GetFieldLevelEncryptionProfile: Handler<GetFieldLevelEncryptionProfileRequest, GetFieldLevelEncryptionProfileResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireProfile(tx, ctx.account, input.Id);
    return { FieldLevelEncryptionProfile: profileOf(r), ETag: r.ETag };
  });

export const GetFieldLevelEncryptionProfileConfig: Handler<GetFieldLevelEncryptionProfileConfigRequest, GetFieldLevelEncryptionProfileConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireProfile(tx, ctx.account, input.Id);
    return { FieldLevelEncryptionProfileConfig: r.Config, ETag: r.ETag };
  });

/** The whole config is replaced; CallerReference cannot change; a new Name must be free. */
export const UpdateFieldLevelEncryptionProfile: Handler<UpdateFieldLevelEncryptionProfileRequest, UpdateFieldLevelEncryptionProfileResult> = async (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireProfile(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    const config = validProfile(input.FieldLevelEncryptionProfileConfig);
    if (config.CallerReference !== r.Config.CallerReference) throw new AwsError("IllegalUpdate", "The CallerReference of a profile cannot be changed.", 400);
    if (config.Name !== r.Config.Name && (await tx.get(PROFILE_NAMES, key(ctx.account, config.Name)))) throw profileTaken();
    await checkKeys(tx, ctx.account, config);
    const updated = nextVersion({ ...r, Config: config, LastModifiedTime: ctx.now.toISOString() });
    await tx.put(PROFILES, key(ctx.account, r.Id), updated);
    if (config.Name !== r.Config.Name) {
      await tx.delete(PROFILE_NAMES, key(ctx.account, r.Config.Name));
      await tx.put(PROFILE_NAMES, key(ctx.account, config.Name), r.Id);
    }
    await setKeyUsage(tx, ctx.account, r.Id, keysOf(r.Config), keysOf(config));
    return { FieldLevelEncryptionProfile: profileOf(updated), ETag: updated.ETag };
  });

export const DeleteFieldLevelEncryptionProfile: Handler<DeleteFieldLevelEncryptionProfileRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireProfile(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "field-level-encryption-profile", r.Id);
    await tx.delete(PROFILES, key(ctx.account, r.Id));
    await tx.delete(PROFILE_NAMES, key(ctx.account, r.Config.Name));
    await tx.delete(PROFILE_REFS, key(ctx.account, r.Config.CallerReference));
    await setKeyUsage(tx, ctx.account, r.Id, keysOf(r.Config), []);
    return {};
  });

export const ListFieldLevelEncryptionProfiles: Handler<ListFieldLevelEncryptionProfilesRequest, ListFieldLevelEncryptionProfilesResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<ProfileRecord>(tx, PROFILES, ctx.account, input.Marker, maxItems);
    return {
      FieldLevelEncryptionProfileList: shortList(maxItems, page, (r) => ({
        Id: r.Id,
        LastModifiedTime: new Date(r.LastModifiedTime),
        Name: r.Config.Name,
        EncryptionEntities: r.Config.EncryptionEntities,
        Comment: r.Config.Comment,
      })),
    };
  });
};

// ---- configs ----

function validConfig(c: FieldLevelEncryptionConfig | undefined): Any {
  if (!c) throw missingBody();
  check.text(c.CallerReference, "CallerReference");
  check.comment(c.Comment, "field-level encryption configuration");
  checkQuantities(c.QueryArgProfileConfig);
  checkQuantities(c.ContentTypeProfileConfig);
  const out: Any = { CallerReference: c.CallerReference, Comment: c.Comment ?? "" };
  if (c.QueryArgProfileConfig) {
    required(c.QueryArgProfileConfig.ForwardWhenQueryArgProfileIsUnknown, "QueryArgProfileConfig.ForwardWhenQueryArgProfileIsUnknown");
    const items = c.QueryArgProfileConfig.QueryArgProfiles?.Items ?? [];
    if (items.length > QUOTA.queryArgProfiles) {
      throw new AwsError("TooManyFieldLevelEncryptionQueryArgProfiles", "The maximum number of query arg profiles for field-level encryption have been created.", 400);
    }
    for (const [i, q] of items.entries()) {
      required(q.QueryArg, `QueryArgProfiles.Items[${i}].QueryArg`);
      if (!q.ProfileId) throw new AwsError("QueryArgProfileEmpty", "No profile specified for the field-level encryption query argument.", 400);
    }
    out.QueryArgProfileConfig = {
      ForwardWhenQueryArgProfileIsUnknown: c.QueryArgProfileConfig.ForwardWhenQueryArgProfileIsUnknown,
      QueryArgProfiles: listOf(items.map((q) => ({ QueryArg: q.QueryArg, ProfileId: q.ProfileId }))),
    };
  }
  if (c.ContentTypeProfileConfig) {
    required(c.ContentTypeProfileConfig.ForwardWhenContentTypeIsUnknown, "ContentTypeProfileConfig.ForwardWhenContentTypeIsUnknown");
    const items = c.ContentTypeProfileConfig.ContentTypeProfiles?.Items ?? [];
    if (items.length > QUOTA.contentTypeProfiles) {
      throw new AwsError("TooManyFieldLevelEncryptionContentTypeProfiles", "The maximum number of content type profiles for field-level encryption have been created.", 400);
    }
    const types = new Set<string>();
    for (const [i, t] of items.entries()) {
      oneOf(t.Format, ["URLEncoded"] as const, `ContentTypeProfiles.Items[${i}].Format`);
      required(t.ContentType, `ContentTypeProfiles.Items[${i}].ContentType`);
      if (types.has(t.ContentType!)) throw invalid(`The content type ${t.ContentType} is listed more than once.`);
      types.add(t.ContentType!);
    }
    out.ContentTypeProfileConfig = {
      ForwardWhenContentTypeIsUnknown: c.ContentTypeProfileConfig.ForwardWhenContentTypeIsUnknown,
      ContentTypeProfiles: listOf(items.map((t) => ({ Format: t.Format, ...(t.ProfileId ? { ProfileId: t.ProfileId } : {}), ContentType: t.ContentType }))),
    };
  }
  return out;
}

const profilesOf = (c: Any): string[] =>
  [
    ...new Set<string>([
      ...(c.QueryArgProfileConfig?.QueryArgProfiles.Items ?? []).map((q: Any) => q.ProfileId),
      ...(c.ContentTypeProfileConfig?.ContentTypeProfiles.Items ?? []).map((t: Any) => t.ProfileId).filter(Boolean),
    ]),
  ];

async function configRefs(tx: Transaction, account: string, c: Any): Promise<string[]> {
  const ids = profilesOf(c);
  for (const p of ids) await requireProfile(tx, account, p);
  return ids.map((p) => ref("field-level-encryption-profile", p));
}

const fleOf = (r: ConfigRecord) => ({ Id: r.Id, LastModifiedTime: new Date(r.LastModifiedTime), FieldLevelEncryptionConfig: r.Config });

export const CreateFieldLevelEncryptionConfig: Handler<CreateFieldLevelEncryptionConfigRequest, CreateFieldLevelEncryptionConfigResult> = async (input, ctx) => {
  const config = validConfig(input.FieldLevelEncryptionConfig);
  return ctx.transaction(async (tx) => {
    if (await tx.get(CONFIG_REFS, key(ctx.account, config.CallerReference))) {
      throw new AwsError("FieldLevelEncryptionConfigAlreadyExists", "The specified configuration for field-level encryption already exists.", 409);
    }
    const refs = await configRefs(tx, ctx.account, config);
    if ((await tx.count(CONFIGS, `${ctx.account}/`)) >= ctx.quota("FieldLevelEncryptionConfigsPerAccount")) {
      throw new AwsError("TooManyFieldLevelEncryptionConfigs", "The maximum number of configurations for field-level encryption have been created.", 400);
    }
    const r = nextVersion({ Id: configId(), LastModifiedTime: ctx.now.toISOString(), Config: config, Refs: refs });
    await tx.put(CONFIGS, key(ctx.account, r.Id), r);
    await tx.put(CONFIG_REFS, key(ctx.account, config.CallerReference), r.Id);
    await setReferences(tx, ctx.account, r.Id, [], refs);
    return { FieldLevelEncryption: fleOf(r), Location: resourceUrl("field-level-encryption", r.Id), ETag: r.ETag };
  });
};

export const GetFieldLevelEncryption: Handler<GetFieldLevelEncryptionRequest, GetFieldLevelEncryptionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, input.Id);
    return { FieldLevelEncryption: fleOf(r), ETag: r.ETag };
  });

export const GetFieldLevelEncryptionConfig: Handler<GetFieldLevelEncryptionConfigRequest, GetFieldLevelEncryptionConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, input.Id);
    return { FieldLevelEncryptionConfig: r.Config, ETag: r.ETag };
  });

export const UpdateFieldLevelEncryptionConfig: Handler<UpdateFieldLevelEncryptionConfigRequest, UpdateFieldLevelEncryptionConfigResult> = async (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    const config = validConfig(input.FieldLevelEncryptionConfig);
    if (config.CallerReference !== r.Config.CallerReference) throw new AwsError("IllegalUpdate", "The CallerReference of a configuration cannot be changed.", 400);
    const refs = await configRefs(tx, ctx.account, config);
    const updated = nextVersion({ ...r, Config: config, Refs: refs, LastModifiedTime: ctx.now.toISOString() });
    await tx.put(CONFIGS, key(ctx.account, r.Id), updated);
    await setReferences(tx, ctx.account, r.Id, r.Refs, refs);
    return { FieldLevelEncryption: fleOf(updated), ETag: updated.ETag };
  });

export const DeleteFieldLevelEncryptionConfig: Handler<DeleteFieldLevelEncryptionConfigRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConfig(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "field-level-encryption", r.Id);
    await tx.delete(CONFIGS, key(ctx.account, r.Id));
    await tx.delete(CONFIG_REFS, key(ctx.account, r.Config.CallerReference));
    await setReferences(tx, ctx.account, r.Id, r.Refs, []);
    return {};
  });

export const ListFieldLevelEncryptionConfigs: Handler<ListFieldLevelEncryptionConfigsRequest, ListFieldLevelEncryptionConfigsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<ConfigRecord>(tx, CONFIGS, ctx.account, input.Marker, maxItems);
    return {
      FieldLevelEncryptionList: shortList(maxItems, page, (r) => ({
        Id: r.Id,
        LastModifiedTime: new Date(r.LastModifiedTime),
        Comment: r.Config.Comment,
        ...(r.Config.QueryArgProfileConfig ? { QueryArgProfileConfig: r.Config.QueryArgProfileConfig } : {}),
        ...(r.Config.ContentTypeProfileConfig ? { ContentTypeProfileConfig: r.Config.ContentTypeProfileConfig } : {}),
      })),
    };
  });
};

