import type {
  ConnectionFunctionSummary,
  CreateConnectionFunctionRequest,
  CreateConnectionFunctionResult,
  DeleteConnectionFunctionRequest,
  DescribeConnectionFunctionRequest,
  DescribeConnectionFunctionResult,
  GetConnectionFunctionRequest,
  GetConnectionFunctionResult,
  ListConnectionFunctionsRequest,
  ListConnectionFunctionsResult,
  ListDistributionsByConnectionFunctionRequest,
  ListDistributionsByConnectionFunctionResult,
  PublishConnectionFunctionRequest,
  PublishConnectionFunctionResult,
  TestConnectionFunctionRequest,
  TestConnectionFunctionResult,
  UpdateConnectionFunctionRequest,
  UpdateConnectionFunctionResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import { BASE62, randomString } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { distributionsUsing } from "./distributions.js";
import { runFunction } from "./functionRuntime.js";
import { functionConfigOf, kvsRefs, pickStage, publishStage, type Staged, stagedPage, stagedStatus, stageNameOf, type StageName, testEvent, validStage } from "./functionStages.js";
import { arnOf, resourceUrl } from "./ids.js";
import { findByIdentifier, key, maxItemsOf } from "./model.js";
import { refuseInUse, setReferences } from "./references.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { checkIfMatch } from "./versioning.js";

/**
 * Connection functions: JavaScript that runs during a viewer mTLS handshake and calls
 * `connection.allow()` or `connection.deny()`. They live as CloudFront Functions do
 * (functionStages.ts: DEVELOPMENT and LIVE stages, an ETag each, Publish, Test that really runs
 * the code), but are addressed by an id (`cf_…`, their ARN's last part) and answer the
 * Entity* errors. A distribution names one in `ConnectionFunctionAssociation.Id`: that reference
 * (references.ts) blocks the delete and answers ListDistributionsByConnectionFunction.
 */
const TABLE = "cloudfront.connectionFunctions"; // acct/id   -> ConnectionFunctionRecord
const NAMES = "cloudfront.connectionFunctionNames"; // acct/name -> id
const TYPE = "connection-function";

export interface ConnectionFunctionRecord extends Staged {
  Id: string;
  Name: string;
  CreatedTime: string;
}

/** `cf_` + 27 base-62 characters, as AWS's documented association id `cf_30c2CV2elHwCoInb3LtcaUJkZeD`. */
const connectionFunctionId = () => "cf_" + randomString(BASE62, 27);

taggable({ type: TYPE, exists: async (tx, account, id) => !!(await tx.get(TABLE, key(account, id))) });

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const noSuch = (id: string | undefined) => new AwsError("EntityNotFound", `The connection function ${id ?? ""} does not exist.`);
const tooLarge = (limit: number) => new AwsError("EntitySizeLimitExceeded", `The connection function code is larger than the maximum allowed size (${limit} bytes).`);
const holder = (id: string) => `connection-function:${id}`;

/** Identifier is the Id, the Name or the ARN. */
export const findConnectionFunction = (tx: Transaction, account: string, identifier: string) =>
  findByIdentifier<ConnectionFunctionRecord>(tx, { table: TABLE, names: NAMES, type: TYPE }, account, identifier);

async function requireConnectionFunction(tx: Transaction, account: string, identifier: string | undefined): Promise<ConnectionFunctionRecord> {
  const found = identifier ? await findConnectionFunction(tx, account, identifier) : undefined;
  if (!found) throw noSuch(identifier);
  return found;
}

async function summaryOf(tx: Transaction, ctx: RequestContext, r: ConnectionFunctionRecord, stage: StageName): Promise<ConnectionFunctionSummary> {
  const s = stage === "LIVE" ? r.Live! : r.Development;
  return {
    Name: r.Name,
    Id: r.Id,
    ConnectionFunctionConfig: functionConfigOf(s),
    ConnectionFunctionArn: arnOf(ctx.account, TYPE, r.Id),
    Status: await stagedStatus(tx, ctx.account, "connection-function", r.Id, r),
    Stage: stage,
    CreatedTime: new Date(r.CreatedTime),
    LastModifiedTime: new Date(s.LastModifiedTime),
  };
}

const codeLimit = (ctx: RequestContext) => ctx.quota("ConnectionFunctionCodeBytes");

export const CreateConnectionFunction: Handler<CreateConnectionFunctionRequest, CreateConnectionFunctionResult> = async (input, ctx) => {
  if (!input.Name || !NAME.test(input.Name)) throw new AwsError("InvalidArgument", "The connection function Name must be 1 to 64 characters: letters, digits, hyphens and underscores.");
  const tags = validTags(input.Tags);
  return ctx.transaction(async (tx) => {
    const stage = await validStage(tx, ctx, input.ConnectionFunctionConfig, input.ConnectionFunctionCode, codeLimit(ctx), tooLarge);
    if (await tx.get(NAMES, key(ctx.account, input.Name!))) throw new AwsError("EntityAlreadyExists", `A connection function with the name ${input.Name} already exists.`);
    if ((await tx.count(TABLE, `${ctx.account}/`)) >= ctx.quota("ConnectionFunctionsPerAccount")) {
      throw new AwsError("EntityLimitExceeded", "You have reached the maximum number of connection functions for this AWS account.");
    }
    const record: ConnectionFunctionRecord = { Id: connectionFunctionId(), Name: input.Name!, CreatedTime: ctx.now.toISOString(), Development: stage };
    await tx.put(TABLE, key(ctx.account, record.Id), record);
    await tx.put(NAMES, key(ctx.account, record.Name), record.Id);
    await setReferences(tx, ctx.account, holder(record.Id), [], kvsRefs(record));
    await initTags(tx, ctx, TYPE, record.Id, tags);
    return {
      ConnectionFunctionSummary: await summaryOf(tx, ctx, record, "DEVELOPMENT"),
      Location: resourceUrl("connection-function", record.Id),
      ETag: record.Development.ETag,
    };
  });
};

export const DescribeConnectionFunction: Handler<DescribeConnectionFunctionRequest, DescribeConnectionFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.Identifier);
    const [s, stage] = pickStage(r, input.Stage, () => noSuch(input.Identifier));
    return { ConnectionFunctionSummary: await summaryOf(tx, ctx, r, stage), ETag: s.ETag };
  });

export const GetConnectionFunction: Handler<GetConnectionFunctionRequest, GetConnectionFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.Identifier);
    const [s] = pickStage(r, input.Stage, () => noSuch(input.Identifier));
    return { ConnectionFunctionCode: Buffer.from(s.Code, "base64"), ETag: s.ETag, ContentType: "application/octet-stream" };
  });

export const UpdateConnectionFunction: Handler<UpdateConnectionFunctionRequest, UpdateConnectionFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.Id);
    checkIfMatch(r.Development, input.IfMatch);
    const stage = await validStage(tx, ctx, input.ConnectionFunctionConfig, input.ConnectionFunctionCode, codeLimit(ctx), tooLarge);
    const updated: ConnectionFunctionRecord = { ...r, Development: stage };
    await tx.put(TABLE, key(ctx.account, r.Id), updated);
    await setReferences(tx, ctx.account, holder(r.Id), kvsRefs(r), kvsRefs(updated));
    return { ConnectionFunctionSummary: await summaryOf(tx, ctx, updated, "DEVELOPMENT"), ETag: stage.ETag };
  });

export const PublishConnectionFunction: Handler<PublishConnectionFunctionRequest, PublishConnectionFunctionResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.Id);
    checkIfMatch(r.Development, input.IfMatch);
    const updated = publishStage(r, ctx);
    await tx.put(TABLE, key(ctx.account, r.Id), updated);
    await setReferences(tx, ctx.account, holder(r.Id), kvsRefs(r), kvsRefs(updated));
    return { ConnectionFunctionSummary: await summaryOf(tx, ctx, updated, "LIVE") };
  });

export const DeleteConnectionFunction: Handler<DeleteConnectionFunctionRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.Id);
    checkIfMatch(r.Development, input.IfMatch);
    await refuseInUse(tx, ctx.account, "connection-function", r.Id);
    await tx.delete(TABLE, key(ctx.account, r.Id));
    await tx.delete(NAMES, key(ctx.account, r.Name));
    await setReferences(tx, ctx.account, holder(r.Id), kvsRefs(r), []);
    await dropTags(tx, ctx.account, TYPE, r.Id);
    return {};
  });

/** In id order; Stage=LIVE lists only the published ones, with their LIVE summary. */
export const ListConnectionFunctions: Handler<ListConnectionFunctionsRequest, ListConnectionFunctionsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  const stage = stageNameOf(input.Stage);
  return ctx.transaction(async (tx) => {
    const page = await stagedPage<ConnectionFunctionRecord>(tx, TABLE, ctx.account, input.Marker, maxItems, stage, (r) => r.Id);
    const items: ConnectionFunctionSummary[] = [];
    for (const r of page.items) items.push(await summaryOf(tx, ctx, r, stage));
    return { ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}), ConnectionFunctions: items };
  });
};

/** Runs the stage's code on the connection object (functionRuntime.ts); a failing function is a 200 with ConnectionFunctionErrorMessage. */
export const TestConnectionFunction: Handler<TestConnectionFunctionRequest, TestConnectionFunctionResult> = async (input, ctx) => {
  const { stage, summary } = await ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.Id);
    const [s, which] = pickStage(r, input.Stage, () => noSuch(input.Id));
    checkIfMatch(s, input.IfMatch);
    return { stage: s, summary: await summaryOf(tx, ctx, r, which) };
  });
  const connection = testEvent(input.ConnectionObject, "ConnectionObject");
  // The run happens outside the transaction: it takes milliseconds and reads nothing else.
  const run = await runFunction(Buffer.from(stage.Code, "base64").toString("utf8"), connection, stage.Runtime, "connection");
  return {
    ConnectionFunctionTestResult: {
      ConnectionFunctionSummary: summary,
      ComputeUtilization: run.utilization,
      ConnectionFunctionExecutionLogs: run.logs,
      ...(run.error ? { ConnectionFunctionErrorMessage: run.error } : { ConnectionFunctionOutput: run.output }),
    },
  };
};

export const ListDistributionsByConnectionFunction: Handler<ListDistributionsByConnectionFunctionRequest, ListDistributionsByConnectionFunctionResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const r = await requireConnectionFunction(tx, ctx.account, input.ConnectionFunctionIdentifier);
    return { DistributionList: await distributionsUsing(tx, ctx, "connection-function", r.Id, input.Marker, maxItems) };
  });
};
