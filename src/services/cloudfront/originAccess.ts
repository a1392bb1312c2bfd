import type {
  CloudFrontOriginAccessIdentity,
  CloudFrontOriginAccessIdentityConfig,
  CreateCloudFrontOriginAccessIdentityRequest,
  CreateCloudFrontOriginAccessIdentityResult,
  CreateOriginAccessControlRequest,
  CreateOriginAccessControlResult,
  DeleteCloudFrontOriginAccessIdentityRequest,
  DeleteOriginAccessControlRequest,
  GetCloudFrontOriginAccessIdentityConfigRequest,
  GetCloudFrontOriginAccessIdentityConfigResult,
  GetCloudFrontOriginAccessIdentityRequest,
  GetCloudFrontOriginAccessIdentityResult,
  GetOriginAccessControlConfigRequest,
  GetOriginAccessControlConfigResult,
  GetOriginAccessControlRequest,
  GetOriginAccessControlResult,
  ListCloudFrontOriginAccessIdentitiesRequest,
  ListCloudFrontOriginAccessIdentitiesResult,
  ListOriginAccessControlsRequest,
  ListOriginAccessControlsResult,
  OriginAccessControl,
  OriginAccessControlConfig,
  UpdateCloudFrontOriginAccessIdentityRequest,
  UpdateCloudFrontOriginAccessIdentityResult,
  UpdateOriginAccessControlRequest,
  UpdateOriginAccessControlResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { canonicalUserId, distributionId, resourceUrl } from "./ids.js";
import { fullList, key, listPage, maxItemsOf, missingBody, oneOf } from "./model.js";
import { refuseInUse } from "./references.js";
import * as check from "./validation.js";
import { checkIfMatch, nextVersion, type Versioned } from "./versioning.js";

/** Origin access controls (OAC) and the legacy origin access identities (OAI) of S3 origins. */
export const OAC = { table: "cloudfront.originAccessControls", names: "cloudfront.originAccessControlNames" } as const;
export const OAI = { table: "cloudfront.originAccessIdentities", refs: "cloudfront.originAccessIdentityRefs" } as const;

interface OacRecord extends Versioned {
  Id: string;
  Config: OacConfig;
}

interface OaiRecord extends Versioned {
  Id: string;
  S3CanonicalUserId: string;
  CallerReference: string;
  Comment: string;
}

export async function requireOac(tx: Transaction, account: string, id: string | undefined): Promise<OacRecord> {
  const found = id ? await tx.get<OacRecord>(OAC.table, key(account, id)) : undefined;
  if (!found) throw new AwsError("NoSuchOriginAccessControl", "The specified origin access control does not exist.", 404);
  return found;
}

export async function findOac(tx: Transaction, account: string, id: string): Promise<OacRecord | undefined> {
  return tx.get<OacRecord>(OAC.table, key(account, id));
}

export async function requireOai(tx: Transaction, account: string, id: string | undefined): Promise<OaiRecord> {
  const found = id ? await tx.get<OaiRecord>(OAI.table, key(account, id)) : undefined;
  if (!found) throw new AwsError("NoSuchCloudFrontOriginAccessIdentity", "The specified origin access identity does not exist.", 404);
  return found;
}

export const oaiExists = async (tx: Transaction, account: string, id: string) => !!(await tx.get(OAI.table, key(account, id)));

// ---- OAC ----

type OacConfig = OriginAccessControlConfig & { Name: string; Description: string };

function validOac(config: OriginAccessControlConfig | undefined): OacConfig {
  if (!config) throw missingBody();
  if (!config.Name || [...config.Name].length > 64) throw new AwsError("InvalidArgument", "The origin access control Name must be 1 to 64 characters long.");
  const description = config.Description ?? "";
  if ([...description].length > 256) throw new AwsError("InvalidArgument", "The origin access control Description cannot be longer than 256 characters.");
  return {
    Name: config.Name,
    Description: description,
    SigningProtocol: oneOf(config.SigningProtocol, ["sigv4"] as const, "SigningProtocol"),
    SigningBehavior: oneOf(config.SigningBehavior, ["never", "always", "no-override"] as const, "SigningBehavior"),
    OriginAccessControlOriginType: oneOf(config.OriginAccessControlOriginType, ["s3", "mediastore", "mediapackagev2", "lambda"] as const, "OriginAccessControlOriginType"),
  };
}

const oacOf = (r: OacRecord): OriginAccessControl => ({ Id: r.Id, OriginAccessControlConfig: { ...r.Config } });
const oacTaken = () => new AwsError("OriginAccessControlAlreadyExists", "An origin access control with the same name already exists.", 409);

export const CreateOriginAccessControl: Handler<CreateOriginAccessControlRequest, CreateOriginAccessControlResult> = async (input, ctx) => {
  const config = validOac(input.OriginAccessControlConfig);
  return ctx.transaction(async (tx) => {
    if (await tx.get(OAC.names, key(ctx.account, config.Name))) throw oacTaken();
    if ((await tx.count(OAC.table, `${ctx.account}/`)) >= ctx.quota("OriginAccessControlsPerAccount")) {
      throw new AwsError("TooManyOriginAccessControls", "The number of origin access controls in your AWS account exceeds the maximum allowed.");
    }
    const record = nextVersion({ Id: distributionId(), Config: config });
    await tx.put(OAC.table, key(ctx.account, record.Id), record);
    await tx.put(OAC.names, key(ctx.account, config.Name), record.Id);
    return { OriginAccessControl: oacOf(record), Location: resourceUrl("origin-access-control", record.Id), ETag: record.ETag };
  });
};

export const GetOriginAccessControl: Handler<GetOriginAccessControlRequest, GetOriginAccessControlResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireOac(tx, ctx.account, input.Id);
    return { OriginAccessControl: oacOf(r), ETag: r.ETag };
  });

export const GetOriginAccessControlConfig: Handler<GetOriginAccessControlConfigRequest, GetOriginAccessControlConfigResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireOac(tx, ctx.account, input.Id);
    return { OriginAccessControlConfig: { ...r.Config }, ETag: r.ETag };
  });

export const UpdateOriginAccessControl: Handler<UpdateOriginAccessControlRequest, UpdateOriginAccessControlResult> = async (input, ctx) => {
  const config = validOac(input.OriginAccessControlConfig);
  return ctx.transaction(async (tx) => {
    const r = await requireOac(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    if (config.OriginAccessControlOriginType !== r.Config.OriginAccessControlOriginType) {
      throw new AwsError("IllegalUpdate", "The origin type of an origin access control cannot be changed.", 400);
    }
    if (config.Name !== r.Config.Name) {
      if (await tx.get(OAC.names, key(ctx.account, config.Name))) throw oacTaken();
      await tx.delete(OAC.names, key(ctx.account, r.Config.Name));
      await tx.put(OAC.names, key(ctx.account, config.Name), r.Id);
    }
    const updated = nextVersion({ ...r, Config: config });
    await tx.put(OAC.table, key(ctx.account, r.Id), updated);
    return { OriginAccessControl: oacOf(updated), ETag: updated.ETag };
  });
};

export const DeleteOriginAccessControl: Handler<DeleteOriginAccessControlRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireOac(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "origin-access-control", r.Id);
    await tx.delete(OAC.table, key(ctx.account, r.Id));
    await tx.delete(OAC.names, key(ctx.account, r.Config.Name));
    return {};
  });

export const ListOriginAccessControls: Handler<ListOriginAccessControlsRequest, ListOriginAccessControlsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<OacRecord>(tx, OAC.table, ctx.account, input.Marker, maxItems);
    return { OriginAccessControlList: fullList(input.Marker, maxItems, page, (r) => ({ Id: r.Id, ...r.Config })) };
  });
};

// ---- OAI ----

function validOai(config: CloudFrontOriginAccessIdentityConfig | undefined) {
  if (!config) throw missingBody();
  check.text(config.CallerReference, "CallerReference");
  if (config.Comment === undefined) throw new AwsError("InvalidArgument", "Comment is required.");
  check.comment(config.Comment, "origin access identity");
  return { CallerReference: config.CallerReference!, Comment: config.Comment };
}

const oaiOf = (r: OaiRecord): CloudFrontOriginAccessIdentity => ({
  Id: r.Id,
  S3CanonicalUserId: r.S3CanonicalUserId,
  CloudFrontOriginAccessIdentityConfig: { CallerReference: r.CallerReference, Comment: r.Comment },
});

const oaiUrl = (id: string) => resourceUrl("origin-access-identity/cloudfront", id);

/** A reused CallerReference returns the same identity when the Comment matches; else AlreadyExists. */
export const CreateCloudFrontOriginAccessIdentity: Handler<CreateCloudFrontOriginAccessIdentityRequest, CreateCloudFrontOriginAccessIdentityResult> = async (
  input,
  ctx,
) => {
  const config = validOai(input.CloudFrontOriginAccessIdentityConfig);
  return ctx.transaction(async (tx) => {
    const existingId = await tx.get<string>(OAI.refs, key(ctx.account, config.CallerReference));
    if (existingId) {
      const existing = await requireOai(tx, ctx.account, existingId);
      if (existing.Comment !== config.Comment) {
        throw new AwsError(
          "CloudFrontOriginAccessIdentityAlreadyExists",
          "If the CallerReference is a value you already sent in a previous request to create an identity but the content of the CloudFrontOriginAccessIdentityConfig is different from the original request, CloudFront returns a CloudFrontOriginAccessIdentityAlreadyExists error.",
          409,
        );
      }
      return { CloudFrontOriginAccessIdentity: oaiOf(existing), Location: oaiUrl(existing.Id), ETag: existing.ETag };
    }
    if ((await tx.count(OAI.table, `${ctx.account}/`)) >= ctx.quota("OriginAccessIdentitiesPerAccount")) {
      throw new AwsError("TooManyCloudFrontOriginAccessIdentities", "Processing your request would cause you to exceed the maximum number of origin access identities allowed.");
    }
    const record = nextVersion({ Id: distributionId(), S3CanonicalUserId: canonicalUserId(), ...config });
    await tx.put(OAI.table, key(ctx.account, record.Id), record);
    await tx.put(OAI.refs, key(ctx.account, config.CallerReference), record.Id);
    return { CloudFrontOriginAccessIdentity: oaiOf(record), Location: oaiUrl(record.Id), ETag: record.ETag };
  });
};

export const GetCloudFrontOriginAccessIdentity: Handler<GetCloudFrontOriginAccessIdentityRequest, GetCloudFrontOriginAccessIdentityResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireOai(tx, ctx.account, input.Id);
    return { CloudFrontOriginAccessIdentity: oaiOf(r), ETag: r.ETag };
  });

export const GetCloudFrontOriginAccessIdentityConfig: Handler<GetCloudFrontOriginAccessIdentityConfigRequest, GetCloudFrontOriginAccessIdentityConfigResult> = (
  input,
  ctx,
) =>
  ctx.transaction(async (tx) => {
    const r = await requireOai(tx, ctx.account, input.Id);
    return { CloudFrontOriginAccessIdentityConfig: { CallerReference: r.CallerReference, Comment: r.Comment }, ETag: r.ETag };
  });

export const UpdateCloudFrontOriginAccessIdentity: Handler<UpdateCloudFrontOriginAccessIdentityRequest, UpdateCloudFrontOriginAccessIdentityResult> = async (
  input,
  ctx,
) => {
  const config = validOai(input.CloudFrontOriginAccessIdentityConfig);
  return ctx.transaction(async (tx) => {
    const r = await requireOai(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    if (config.CallerReference !== r.CallerReference) throw new AwsError("IllegalUpdate", "The CallerReference cannot be changed.", 400);
    const updated = nextVersion({ ...r, Comment: config.Comment });
    await tx.put(OAI.table, key(ctx.account, r.Id), updated);
    return { CloudFrontOriginAccessIdentity: oaiOf(updated), ETag: updated.ETag };
  });
};

export const DeleteCloudFrontOriginAccessIdentity: Handler<DeleteCloudFrontOriginAccessIdentityRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireOai(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await refuseInUse(tx, ctx.account, "origin-access-identity", r.Id);
    await tx.delete(OAI.table, key(ctx.account, r.Id));
    await tx.delete(OAI.refs, key(ctx.account, r.CallerReference));
    return {};
  });

export const ListCloudFrontOriginAccessIdentities: Handler<ListCloudFrontOriginAccessIdentitiesRequest, ListCloudFrontOriginAccessIdentitiesResult> = async (
  input,
  ctx: RequestContext,
) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<OaiRecord>(tx, OAI.table, ctx.account, input.Marker, maxItems);
    return {
      CloudFrontOriginAccessIdentityList: fullList(input.Marker, maxItems, page, (r) => ({ Id: r.Id, S3CanonicalUserId: r.S3CanonicalUserId, Comment: r.Comment })),
    };
  });
};
