import type {
  CreateVpcOriginRequest,
  CreateVpcOriginResult,
  DeleteVpcOriginRequest,
  DeleteVpcOriginResult,
  GetVpcOriginRequest,
  GetVpcOriginResult,
  ListDistributionsByOwnedResourceRequest,
  ListDistributionsByOwnedResourceResult,
  ListDistributionsByVpcOriginIdRequest,
  ListDistributionsByVpcOriginIdResult,
  ListVpcOriginsRequest,
  ListVpcOriginsResult,
  UpdateVpcOriginRequest,
  UpdateVpcOriginResult,
  VpcOrigin,
  VpcOriginEndpointConfig,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import { BASE62, randomString } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { checkQuantities, invalid, listOf, required } from "./configLists.js";
import { distributionIdsUsing } from "./distributions.js";
import { arnOf, resourceUrl } from "./ids.js";
import { fullList, key, listPage, maxItemsOf, missingBody, oneOf } from "./model.js";
import { refuseInUse, users, usersPage } from "./references.js";
import { dropResourcePolicy } from "./resourcePolicies.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch, type Deployable, deployStatus, isDeployed, nextDeployment } from "./versioning.js";

/**
 * VPC origins: an ALB, NLB or EC2 instance in a private subnet that distributions reach through
 * `Origins/VpcOriginConfig/VpcOriginId` (an in-use reference). Each change is `Deploying` until
 * its stored deploy instant, then `Deployed` (versioning.ts); a VPC origin that is still
 * deploying can be neither updated nor deleted, and one a distribution uses neither.
 */
const TABLE = "cloudfront.vpcOrigins"; //          acct/id -> Record
const NAMES = "cloudfront.vpcOriginNames"; //      acct/name -> id
const TYPE = "vpcorigin";

interface Record_ extends Deployable {
  Id: string;
  CreatedTime: string;
  LastModifiedTime: string;
  Config: VpcOriginEndpointConfig;
}

/** `vo_` + 22 base-62 characters (AWS's ids are of this shape; the length is unconfirmed). */
const vpcOriginId = () => "vo_" + randomString(BASE62, 22);

taggable({ type: TYPE, exists: async (tx, account, id) => !!(await tx.get(TABLE, key(account, id))) });

const noSuch = (id: string | undefined) => new AwsError("EntityNotFound", `The VPC origin ${id ?? ""} does not exist.`, 404);

async function requireVpcOrigin(tx: Transaction, account: string, id: string | undefined) {
  const r = id ? await tx.get<Record_>(TABLE, key(account, id)) : undefined;
  if (!r) throw noSuch(id);
  return r;
}

/** Whether an origin's VpcOriginId names a VPC origin of the account. */
export const vpcOriginExists = async (tx: Transaction, account: string, id: string) => !!(await tx.get(TABLE, key(account, id)));

const ENDPOINT_ARN = /^arn:aws[a-z-]*:(elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app|net)\/[\w-]+\/[0-9a-f]+|ec2:[a-z0-9-]+:\d{12}:instance\/i-[0-9a-f]{8,17})$/;

function valid(c: VpcOriginEndpointConfig | undefined): VpcOriginEndpointConfig {
  if (!c) throw missingBody();
  required(c.Name, "VpcOriginEndpointConfig.Name");
  if (!/^[\w.-]{1,64}$/.test(c.Name!)) throw invalid("The VPC origin Name must be 1 to 64 letters, numbers, periods, hyphens or underscores.");
  if (!ENDPOINT_ARN.test(c.Arn ?? "")) throw invalid("VpcOriginEndpointConfig.Arn must be the ARN of an Application Load Balancer, a Network Load Balancer or an EC2 instance.");
  for (const [m, v] of [["HTTPPort", c.HTTPPort], ["HTTPSPort", c.HTTPSPort]] as const) {
    if (!Number.isInteger(v) || v! < 1 || v! > 65535) throw invalid(`VpcOriginEndpointConfig.${m} must be a port from 1 to 65535.`);
  }
  const policy = oneOf(c.OriginProtocolPolicy, ["http-only", "match-viewer", "https-only"] as const, "OriginProtocolPolicy");
  checkQuantities(c.OriginSslProtocols);
  const ssl = c.OriginSslProtocols?.Items ?? ["TLSv1.2"];
  for (const p of ssl) oneOf(p, ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"] as const, "OriginSslProtocols");
  return {
    Name: c.Name,
    Arn: c.Arn,
    HTTPPort: c.HTTPPort,
    HTTPSPort: c.HTTPSPort,
    OriginProtocolPolicy: policy,
    OriginSslProtocols: listOf([...ssl]) as VpcOriginEndpointConfig["OriginSslProtocols"],
    ...(c.IpAddressType ? { IpAddressType: oneOf(c.IpAddressType, ["ipv4", "dualstack"] as const, "IpAddressType") } : {}),
  };
}

const of = (ctx: RequestContext, r: Record_, status?: string): VpcOrigin => ({
  Id: r.Id,
  Arn: arnOf(ctx.account, TYPE, r.Id),
  AccountId: ctx.account,
  Status: status ?? deployStatus(r, ctx, "Deploying", "Deployed"),
  CreatedTime: new Date(r.CreatedTime),
  LastModifiedTime: new Date(r.LastModifiedTime),
  VpcOriginEndpointConfig: r.Config,
});

const nameTaken = () => new AwsError("EntityAlreadyExists", "A VPC origin with this name already exists.", 409);

export const CreateVpcOrigin: Handler<CreateVpcOriginRequest, CreateVpcOriginResult> = async (input, ctx) => {
  const config = valid(input.VpcOriginEndpointConfig);
  const tags = validTags(input.Tags);
  return ctx.transaction(async (tx) => {
    if (await tx.get(NAMES, key(ctx.account, config.Name!))) throw nameTaken();
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("VpcOriginsPerAccount")) throw new AwsError("EntityLimitExceeded", "You have reached the maximum number of VPC origins for this AWS account.", 400);
    const id = vpcOriginId();
    const now = ctx.now.toISOString();
    const r = nextDeployment({ Id: id, CreatedTime: now, LastModifiedTime: now, Config: config }, ctx);
    await tx.put(TABLE, key(ctx.account, id), r);
    await tx.put(NAMES, key(ctx.account, config.Name!), id);
    await initTags(tx, ctx, TYPE, id, tags);
    return { VpcOrigin: of(ctx, r, "Deploying"), Location: resourceUrl("vpc-origin", id), ETag: r.ETag };
  });
};

export const GetVpcOrigin: Handler<GetVpcOriginRequest, GetVpcOriginResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireVpcOrigin(tx, ctx.account, input.Id);
    return { VpcOrigin: of(ctx, r), ETag: r.ETag };
  });

/** A change in progress, or a use by a distribution, blocks an update or a delete. */
async function checkChangeable(tx: Transaction, ctx: RequestContext, r: Record_, what: "update" | "delete") {
  if (!isDeployed(r, ctx)) {
    throw what === "update"
      ? new AwsError("IllegalUpdate", `The VPC origin ${r.Id} is still deploying: wait until it is Deployed.`, 400)
      : new AwsError("IllegalDelete", `The VPC origin ${r.Id} is still deploying: wait until it is Deployed.`, 400);
  }
  if (what === "update" && (await users(tx, ctx.account, "vpc-origin", r.Id))) {
    throw new AwsError("CannotUpdateEntityWhileInUse", `The VPC origin ${r.Id} is used by one or more distributions.`, 409);
  }
  if (what === "delete") await refuseInUse(tx, ctx.account, "vpc-origin", r.Id);
}

export const UpdateVpcOrigin: Handler<UpdateVpcOriginRequest, UpdateVpcOriginResult> = async (input, ctx) => {
  const config = valid(input.VpcOriginEndpointConfig);
  return ctx.transaction(async (tx) => {
    const r = await requireVpcOrigin(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await checkChangeable(tx, ctx, r, "update");
    if (config.Name !== r.Config.Name) {
      if (await tx.get(NAMES, key(ctx.account, config.Name!))) throw nameTaken();
      await tx.delete(NAMES, key(ctx.account, r.Config.Name!));
      await tx.put(NAMES, key(ctx.account, config.Name!), r.Id);
    }
    const updated = nextDeployment({ ...r, Config: config, LastModifiedTime: ctx.now.toISOString() }, ctx);
    await tx.put(TABLE, key(ctx.account, r.Id), updated);
    return { VpcOrigin: of(ctx, updated, "Deploying"), ETag: updated.ETag };
  });
};

/** Answers the VPC origin as `Deleting`; it is gone for every later read (Terraform polls for EntityNotFound). */
export const DeleteVpcOrigin: Handler<DeleteVpcOriginRequest, DeleteVpcOriginResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireVpcOrigin(tx, ctx.account, input.Id);
    checkIfMatch(r, input.IfMatch);
    await checkChangeable(tx, ctx, r, "delete");
    await tx.delete(TABLE, key(ctx.account, r.Id));
    await tx.delete(NAMES, key(ctx.account, r.Config.Name!));
    await dropTags(tx, ctx.account, TYPE, r.Id);
    await dropResourcePolicy(tx, ctx.account, TYPE, r.Id);
    return { VpcOrigin: of(ctx, r, "Deleting"), ETag: r.ETag };
  });

export const ListVpcOrigins: Handler<ListVpcOriginsRequest, ListVpcOriginsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  return ctx.transaction(async (tx) => {
    const page = await listPage<Record_>(tx, TABLE, ctx.account, input.Marker, maxItems);
    return {
      VpcOriginList: fullList(input.Marker, maxItems, page, (r) => ({
        Id: r.Id,
        Name: r.Config.Name,
        Status: deployStatus(r, ctx, "Deploying", "Deployed"),
        CreatedTime: new Date(r.CreatedTime),
        LastModifiedTime: new Date(r.LastModifiedTime),
        Arn: arnOf(ctx.account, TYPE, r.Id),
        AccountId: ctx.account,
        OriginEndpointArn: r.Config.Arn,
        ...(r.Config.IpAddressType ? { IpAddressType: r.Config.IpAddressType } : {}),
      })),
    };
  });
};

export const ListDistributionsByVpcOriginId: Handler<ListDistributionsByVpcOriginIdRequest, ListDistributionsByVpcOriginIdResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  return ctx.transaction(async (tx) => {
    const r = await requireVpcOrigin(tx, ctx.account, input.VpcOriginId);
    return { DistributionIdList: await distributionIdsUsing(tx, ctx, "vpc-origin", r.Id, input.Marker, maxItems) };
  });
};

/** The distributions that use a resource the caller owns: nubis holds no other account, so they are the caller's. */
export const ListDistributionsByOwnedResource: Handler<ListDistributionsByOwnedResourceRequest, ListDistributionsByOwnedResourceResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  const prefix = arnOf(ctx.account, TYPE, "");
  const arn = input.ResourceArn ?? "";
  if (!/^arn:aws[a-z-]*:cloudfront::\d{12}:vpcorigin\/.+$/.test(arn)) throw invalid("ResourceArn must be the ARN of a VPC origin.");
  return ctx.transaction(async (tx) => {
    const r = await requireVpcOrigin(tx, ctx.account, arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined);
    const page = await usersPage(tx, ctx.account, "vpc-origin", r.Id, input.Marker, maxItems);
    return { DistributionList: fullList(input.Marker, maxItems, page, (d) => ({ DistributionId: d, OwnerAccountId: ctx.account })) };
  });
};
