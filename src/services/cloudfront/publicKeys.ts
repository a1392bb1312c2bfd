import type {
  CreatePublicKeyRequest,
  CreatePublicKeyResult,
  DeletePublicKeyRequest,
  GetPublicKeyConfigRequest,
  GetPublicKeyConfigResult,
  GetPublicKeyRequest,
  GetPublicKeyResult,
  ListPublicKeysRequest,
  ListPublicKeysResult,
  PublicKey,
  PublicKeyConfig,
  UpdatePublicKeyRequest,
  UpdatePublicKeyResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { isoMillis, publicKeyId, resourceUrl } from "./ids.js";
import { key, listPage, maxItemsOf, type PublicKeyRecord, requirePublicKey, T } from "./model.js";
import * as check from "./validation.js";
import { checkIfMatch, nextVersion } from "./versioning.js";

const configOf = (r: PublicKeyRecord): PublicKeyConfig => ({
  CallerReference: r.CallerReference,
  Name: r.Name,
  EncodedKey: r.EncodedKey,
  Comment: r.Comment,
});

const publicKeyOf = (r: PublicKeyRecord): PublicKey => ({ Id: r.Id, CreatedTime: new Date(r.CreatedTime), PublicKeyConfig: configOf(r) });

/** The config as it will be stored: validated, the key normalized, Comment "" when omitted. */
function validConfig(config: PublicKeyConfig | undefined): Pick<PublicKeyRecord, "CallerReference" | "Name" | "EncodedKey" | "Comment"> {
  if (!config) throw new AwsError("MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.");
  check.text(config.CallerReference, "CallerReference");
  check.text(config.Name, "Name");
  check.comment(config.Comment, "public key");
  return {
    CallerReference: config.CallerReference!,
    Name: config.Name!,
    EncodedKey: check.encodedKey(config.EncodedKey),
    Comment: config.Comment ?? "",
  };
}

const nameTaken = () =>
  new AwsError(
    "PublicKeyAlreadyExists",
    "The name that you are using to create a CloudFront public key is associated with another public key in your account.",
  );

export const CreatePublicKey: Handler<CreatePublicKeyRequest, CreatePublicKeyResult> = async (input, ctx) => {
  const config = validConfig(input.PublicKeyConfig);
  return ctx.transaction(async (tx) => {
    // CallerReference makes create idempotent: the same config again returns the same key;
    // another config under a used reference is refused.
    const previous = await tx.get<string>(T.publicKeyRefs, key(ctx.account, config.CallerReference));
    if (previous) {
      const existing = await requirePublicKey(tx, ctx.account, previous);
      const same = existing.Name === config.Name && existing.EncodedKey === config.EncodedKey && existing.Comment === config.Comment;
      if (!same) {
        throw new AwsError("PublicKeyAlreadyExists", "A public key with this CallerReference already exists with a different configuration.");
      }
      return { PublicKey: publicKeyOf(existing), Location: resourceUrl("public-key", existing.Id), ETag: existing.ETag };
    }
    if (await tx.get(T.publicKeyNames, key(ctx.account, config.Name))) throw nameTaken();
    const limit = ctx.quota("PublicKeysPerAccount");
    if ((await tx.count(T.publicKeys, `${ctx.account}/`)) >= limit) {
      throw new AwsError(
        "TooManyPublicKeys",
        "Processing your request will cause you to exceed the maximum number of CloudFront public keys allowed.",
      );
    }
    const record = nextVersion({ Id: publicKeyId(), CreatedTime: isoMillis(ctx.now), ...config });
    await tx.put(T.publicKeys, key(ctx.account, record.Id), record);
    await tx.put(T.publicKeyNames, key(ctx.account, record.Name), record.Id);
    await tx.put(T.publicKeyRefs, key(ctx.account, record.CallerReference), record.Id);
    return { PublicKey: publicKeyOf(record), Location: resourceUrl("public-key", record.Id), ETag: record.ETag };
  });
};

export const GetPublicKey: Handler<GetPublicKeyRequest, GetPublicKeyResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requirePublicKey(tx, ctx.account, input.Id);
    return { PublicKey: publicKeyOf(record), ETag: record.ETag };
  });

export const GetPublicKeyConfig: Handler<GetPublicKeyConfigRequest, GetPublicKeyConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requirePublicKey(tx, ctx.account, input.Id);
    return { PublicKeyConfig: configOf(record), ETag: record.ETag };
  });

export const ListPublicKeys: Handler<ListPublicKeysRequest, ListPublicKeysResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<PublicKeyRecord>(tx, T.publicKeys, ctx.account, input.Marker, maxItems);
    return {
      PublicKeyList: {
        MaxItems: maxItems,
        Quantity: page.items.length,
        NextMarker: page.nextMarker,
        Items: page.items.length
          ? page.items.map((r) => ({ Id: r.Id, Name: r.Name, CreatedTime: new Date(r.CreatedTime), EncodedKey: r.EncodedKey, Comment: r.Comment }))
          : undefined,
      },
    };
  });
};

/**
 * Only Comment may change. The whole config is sent (Terraform re-sends the stored
 * CallerReference, Name and EncodedKey), so identical values pass; a changed one is refused.
 */
export const UpdatePublicKey: Handler<UpdatePublicKeyRequest, UpdatePublicKeyResult> = async (input, ctx) => {
  const config = validConfig(input.PublicKeyConfig);
  return ctx.transaction(async (tx) => {
    const record = await requirePublicKey(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    if (config.CallerReference !== record.CallerReference || config.Name !== record.Name || config.EncodedKey !== record.EncodedKey) {
      throw new AwsError("CannotChangeImmutablePublicKeyFields", "You can't change the value of a public key. Only the Comment can be updated.");
    }
    const updated = nextVersion({ ...record, Comment: config.Comment });
    await tx.put(T.publicKeys, key(ctx.account, record.Id), updated);
    return { PublicKey: publicKeyOf(updated), ETag: updated.ETag };
  });
};

export const DeletePublicKey: Handler<DeletePublicKeyRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requirePublicKey(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    if (await tx.count(T.keyUsage, key(ctx.account, record.Id, ""))) {
      throw new AwsError("PublicKeyInUse", "The Cloudfront public key is currently associated with either Key Group or a field level encryption profile.");
    }
    await tx.delete(T.publicKeys, key(ctx.account, record.Id));
    await tx.delete(T.publicKeyNames, key(ctx.account, record.Name));
    await tx.delete(T.publicKeyRefs, key(ctx.account, record.CallerReference));
    return {};
  });
