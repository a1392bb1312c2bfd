import type { Authorizer, RequestContext } from "../../core/service.js";
import { parseBlob } from "./crypto.js";
import type { GrantOperation } from "@aws-sdk/client-kms";
import { callerIds } from "../../core/auth/index.js";
import { parseResourcePolicy } from "../../core/auth/engine.js";
import type { ResourcePolicy } from "../../core/service.js";
import { grantAllows, grantsOf, readGrantToken } from "./grants.js";
import { aliasArn, findKey, keyArn, parseKeyArn, parseKeyReference } from "./model.js";

/**
 * Action and resource ARNs of each KMS operation, from the service authorization reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html).
 * A key named through an alias is checked as the key it points to.
 */

type In = Record<string, string | undefined>;

/** The ARN of the key a KeyId/TargetKeyId names (an alias resolved in the state). */
async function keyResource(ctx: RequestContext, value: string | undefined): Promise<string> {
  const ref = parseKeyReference(value ?? "", ctx.account, ctx.region);
  if (ref.kind === "key") return keyArn({ Account: ref.account, Region: ref.region, KeyId: ref.keyId });
  if (ref.kind === "alias") {
    const key = await ctx.transaction((tx) => findKey(tx, ctx.account, ctx.region, ref));
    return key ? keyArn(key) : aliasArn(ref.account, ref.region, ref.aliasName);
  }
  return keyArn({ Account: ctx.account, Region: ctx.region, KeyId: value ?? "" });
}

/** An alias's ARN and the key it points to now (UpdateAlias and DeleteAlias touch both). */
async function aliasResources(ctx: RequestContext, name: string | undefined): Promise<string[]> {
  const alias = aliasArn(ctx.account, ctx.region, name ?? "");
  const ref = parseKeyReference(name ?? "", ctx.account, ctx.region);
  const key = ref.kind === "alias" ? await ctx.transaction((tx) => findKey(tx, ctx.account, ctx.region, ref)) : undefined;
  return key ? [alias, keyArn(key)] : [alias];
}

/**
 * The key's policy, as the resource-based policy the engine must find an Allow in (KMS: no
 * access without it; its account-root statement delegates to IAM policies), and whether one of
 * the key's grants already lets the caller do `operation` (grants allow on their own).
 */
async function keyPolicyOf(ctx: RequestContext, arn: string, operation: GrantOperation | undefined, context: unknown) {
  const ref = parseKeyArn(arn);
  if (!ref) return {};
  return ctx.transaction(async (tx) => {
    const key = await findKey(tx, ref.account, ref.region, { kind: "key", ...ref }, ctx.now);
    if (!key) return {};
    const caller = callerIds(ctx.principal).direct.AWS ?? [];
    const ctxMap = context && typeof context === "object" ? (context as Record<string, string>) : undefined;
    if (operation) {
      for (const grantee of caller) if (await grantAllows(tx, key, grantee, operation, ctxMap)) return { noPermissionRequired: true };
    }
    const resourcePolicy: ResourcePolicy = { account: key.Account, policy: parseResourcePolicy(arn, key.Policy), required: true };
    return { resourcePolicy };
  });
}

/** The operations a grant can allow, by KMS operation name. */
const GRANTABLE = new Set<string>([
  "Decrypt",
  "Encrypt",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "GenerateDataKeyPair",
  "GenerateDataKeyPairWithoutPlaintext",
  "Sign",
  "Verify",
  "GetPublicKey",
  "CreateGrant",
  "RetireGrant",
  "DescribeKey",
  "GenerateMac",
  "VerifyMac",
  "DeriveSharedSecret",
]);

/** An operation on one key: the caller's identity policies and the key's policy (or a grant) decide. */
const onKeyArn = async (ctx: RequestContext, action: string, arn: string, context?: unknown) => ({
  action: `kms:${action}`,
  resources: [arn],
  ...(await keyPolicyOf(ctx, arn, GRANTABLE.has(action) ? (action as GrantOperation) : undefined, context)),
});

const onKey = (action: string): Authorizer<In> => async (input, ctx) =>
  onKeyArn(ctx, action, await keyResource(ctx, input.KeyId), (input as Record<string, unknown>).EncryptionContext);

const anyResource = (action: string): Authorizer<In> => () => ({ action: `kms:${action}`, resources: ["*"] });

/** The key a symmetric ciphertext names (Decrypt and ReEncrypt need no KeyId), else the KeyId given. */
async function ciphertextKey(ctx: RequestContext, blob: unknown, keyId: string | undefined): Promise<string> {
  const parsed = blob instanceof Uint8Array ? parseBlob(blob) : undefined;
  if (parsed) return keyArn({ Account: ctx.account, Region: ctx.region, KeyId: parsed.keyId });
  return keyResource(ctx, keyId);
}

/** Whether the caller is the retiring principal of the grant a RetireGrant names. */
async function isRetiringPrincipal(ctx: RequestContext, arn: string, input: In): Promise<boolean> {
  const ref = parseKeyArn(arn);
  let grantId = input.GrantId;
  if (input.GrantToken) {
    try {
      grantId = readGrantToken(input.GrantToken).grantId;
    } catch {
      return false;
    }
  }
  if (!ref || !grantId) return false;
  const caller = callerIds(ctx.principal).direct.AWS ?? [];
  const grants = await ctx.transaction((tx) => grantsOf(tx, { Account: ref.account, Region: ref.region, KeyId: ref.keyId }));
  const grant = grants.find((g) => g.GrantId === grantId);
  return !!grant?.RetiringPrincipal && caller.includes(grant.RetiringPrincipal);
}

/** The key a RetireGrant names, by token or by KeyId. */
function retireKey(ctx: RequestContext, input: In): Promise<string> {
  if (input.GrantToken) {
    try {
      const t = readGrantToken(input.GrantToken);
      return Promise.resolve(keyArn({ Account: t.account, Region: t.region, KeyId: t.keyId }));
    } catch {
      // An unreadable token is refused by the handler.
    }
  }
  return keyResource(ctx, input.KeyId);
}

const KEY_OPERATIONS = [
  "DescribeKey",
  "EnableKey",
  "DisableKey",
  "ScheduleKeyDeletion",
  "CancelKeyDeletion",
  "UpdateKeyDescription",
  "GetKeyLastUsage",
  "GetKeyPolicy",
  "PutKeyPolicy",
  "ListKeyPolicies",
  "UntagResource",
  "ListResourceTags",
  "EnableKeyRotation",
  "DisableKeyRotation",
  "GetKeyRotationStatus",
  "RotateKeyOnDemand",
  "ListKeyRotations",
  "CreateGrant",
  "ListGrants",
  "RevokeGrant",
  "Encrypt",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "GenerateDataKeyPair",
  "GenerateDataKeyPairWithoutPlaintext",
  "GetPublicKey",
  "Sign",
  "Verify",
  "GenerateMac",
  "VerifyMac",
  "DeriveSharedSecret",
  "ReplicateKey",
  "UpdatePrimaryRegion",
  "GetParametersForImport",
  "ImportKeyMaterial",
  "DeleteImportedKeyMaterial",
];

export const authorization: Record<string, Authorizer<In>> = {
  ...Object.fromEntries(KEY_OPERATIONS.map((op) => [op, onKey(op)])),
  // Tags on CreateKey also need kms:TagResource (KMS's CreateKey reference).
  CreateKey: (input) => ({
    action: "kms:CreateKey",
    resources: ["*"],
    ...((input as { Tags?: unknown[] }).Tags?.length ? { also: [{ action: "kms:TagResource", resources: ["*"] }] } : {}),
  }),
  TagResource: onKey("TagResource"),
  // The replica's policy does not exist yet: the primary's key policy decides.
  ReplicateKey: async (input, ctx) => {
    const arn = await keyResource(ctx, input.KeyId);
    const base = await onKeyArn(ctx, "ReplicateKey", arn);
    return (input as { Tags?: unknown[] }).Tags?.length ? { ...base, also: [{ action: "kms:TagResource", resources: [arn] }] } : base;
  },
  ListKeys: anyResource("ListKeys"),
  ListAliases: anyResource("ListAliases"),
  GenerateRandom: anyResource("GenerateRandom"),
  ListRetirableGrants: anyResource("ListRetirableGrants"),
  CreateCustomKeyStore: anyResource("CreateCustomKeyStore"),
  DescribeCustomKeyStores: anyResource("DescribeCustomKeyStores"),
  UpdateCustomKeyStore: anyResource("UpdateCustomKeyStore"),
  DeleteCustomKeyStore: anyResource("DeleteCustomKeyStore"),
  ConnectCustomKeyStore: anyResource("ConnectCustomKeyStore"),
  DisconnectCustomKeyStore: anyResource("DisconnectCustomKeyStore"),
  Decrypt: async (input, ctx) => {
    const raw = input as Record<string, unknown>;
    return onKeyArn(ctx, "Decrypt", await ciphertextKey(ctx, raw.CiphertextBlob, input.KeyId), raw.EncryptionContext);
  },
  // ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on the destination (one
  // declaration carries one key policy: the source's; the destination is checked against it too).
  ReEncrypt: async (input, ctx) => {
    const raw = input as Record<string, unknown>;
    const source = await ciphertextKey(ctx, raw.CiphertextBlob, input.SourceKeyId);
    const destination = await keyResource(ctx, input.DestinationKeyId);
    return {
      action: "kms:ReEncryptFrom",
      resources: [source],
      also: [{ action: "kms:ReEncryptTo", resources: [destination] }],
      ...(await keyPolicyOf(ctx, source, undefined, undefined)),
    };
  },
  // The grant's retiring principal may retire it without any policy.
  RetireGrant: async (input, ctx) => {
    const arn = await retireKey(ctx, input);
    if (await isRetiringPrincipal(ctx, arn, input)) return { action: "kms:RetireGrant", resources: [arn], noPermissionRequired: true };
    return onKeyArn(ctx, "RetireGrant", arn);
  },
  // The caller needs the permission on the alias and on the key(s) it points to, old and new.
  CreateAlias: async (input, ctx) => ({
    action: "kms:CreateAlias",
    resources: [aliasArn(ctx.account, ctx.region, input.AliasName ?? ""), await keyResource(ctx, input.TargetKeyId)],
  }),
  UpdateAlias: async (input, ctx) => ({
    action: "kms:UpdateAlias",
    resources: [...(await aliasResources(ctx, input.AliasName)), await keyResource(ctx, input.TargetKeyId)],
  }),
  DeleteAlias: async (input, ctx) => ({ action: "kms:DeleteAlias", resources: await aliasResources(ctx, input.AliasName) }),
};
