import type {
  AnycastIpList,
  CreateAnycastIpListRequest,
  CreateAnycastIpListResult,
  DeleteAnycastIpListRequest,
  GetAnycastIpListRequest,
  GetAnycastIpListResult,
  IpamCidrConfig,
  IpamConfig,
  ListAnycastIpListsRequest,
  ListAnycastIpListsResult,
  ListDistributionsByAnycastIpListIdRequest,
  ListDistributionsByAnycastIpListIdResult,
  UpdateAnycastIpListRequest,
  UpdateAnycastIpListResult,
} from "@aws-sdk/client-cloudfront";
import { isIP } from "node:net";
import { AwsError } from "../../core/errors.js";
import { randomString } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { anycastIpListId, arnOf, isoMillis } from "./ids.js";
import { type AnycastIpListRecord, type ConnectionGroupRecord, type IpamCidrRecord, key, listPage, maxItemsOf, requireAnycastIpList, T } from "./model.js";
import { dropTags, initTags, taggable, validTags } from "./tagging.js";
import { distributionsUsing } from "./distributions.js";
import { refuseInUse } from "./references.js";
import { checkIfMatch, isDeployed, nextDeployment } from "./versioning.js";

export const ANYCAST_IP_LIST = "anycast-ip-list";

taggable({
  type: ANYCAST_IP_LIST,
  exists: async (tx, account, id) => !!(await tx.get(T.anycastIpLists, key(account, id))),
});

type AddressType = AnycastIpListRecord["IpAddressType"];

const invalid = (message: string) => new AwsError("InvalidArgument", message);

const statusOf = (r: AnycastIpListRecord, ctx: RequestContext) => (isDeployed(r, ctx) ? "Deployed" : "Deploying");

const ipamConfigOf = (r: AnycastIpListRecord): IpamConfig | undefined =>
  r.IpamCidrConfigs?.length
    ? { Quantity: r.IpamCidrConfigs.length, IpamCidrConfigs: r.IpamCidrConfigs.map((c) => ({ ...c, Status: "advertised" })) }
    : undefined;

function anycastIpListOf(r: AnycastIpListRecord, status: string, account: string): AnycastIpList {
  return {
    Id: r.Id,
    Name: r.Name,
    Status: status,
    Arn: arnOf(account, ANYCAST_IP_LIST, r.Id),
    IpAddressType: r.IpAddressType,
    IpamConfig: ipamConfigOf(r),
    AnycastIps: [...r.AnycastIps],
    IpCount: r.IpCount,
    LastModifiedTime: new Date(r.LastModifiedTime),
  };
}

// Addresses come from ranges that are never routed on the internet (198.18.0.0/15, reserved for
// benchmarking, and the IPv6 documentation prefix 2001:db8::/32), so an address an emulated list
// hands out can never be mistaken for, or allowlist, a real host.
const HEX = "0123456789abcdef";
const ipv4 = () => {
  const [a, b, c] = [...randomString(HEX, 6).match(/../g)!].map((h) => parseInt(h, 16));
  return `198.${18 + (a & 1)}.${b}.${c === 0 || c === 255 ? 1 : c}`;
};
const ipv6 = () => `2001:db8:${[...randomString(HEX, 20).match(/..../g)!].map((h) => h.replace(/^0+(?=.)/, "")).join(":")}:1`;

function distinct(n: number, draw: () => string): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(draw());
  return [...out];
}

/**
 * The list's static IPs: IpCount addresses of the requested family, both families for
 * dualstack (IpCount of each: unconfirmed). Addresses of a family the list keeps are kept.
 */
function addressesFor(type: AddressType, count: number, current: string[] = []): string[] {
  const v4 = current.filter((ip) => isIP(ip) === 4);
  const v6 = current.filter((ip) => isIP(ip) === 6);
  return [
    ...(type === "ipv6" ? [] : v4.length === count ? v4 : distinct(count, ipv4)),
    ...(type === "ipv4" ? [] : v6.length === count ? v6 : distinct(count, ipv6)),
  ];
}

function addressType(value: string | undefined, fallback: AddressType): AddressType {
  if (value === undefined) return fallback;
  if (value !== "ipv4" && value !== "ipv6" && value !== "dualstack") throw invalid(`IpAddressType must be ipv4, ipv6 or dualstack, not '${value}'.`);
  return value;
}

/** A valid CIDR (`a.b.c.d/n` or an IPv6 prefix) and an IPAM pool ARN; AnycastIp is the CIDR's address. */
function ipamConfigs(configs: IpamCidrConfig[] | undefined): IpamCidrRecord[] | undefined {
  if (!configs?.length) return undefined;
  return configs.map(({ Cidr, IpamPoolArn }) => {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(Cidr ?? "");
    const family = m ? isIP(m[1]) : 0;
    if (!m || !family || Number(m[2]) > (family === 4 ? 32 : 128)) throw invalid(`The CIDR '${Cidr ?? ""}' is not valid.`);
    if (!/^arn:aws[a-z-]*:ec2:[a-z0-9-]*:\d{12}:ipam-pool\/ipam-pool-[0-9a-f]+$/.test(IpamPoolArn ?? "")) {
      throw invalid(`The IPAM pool ARN '${IpamPoolArn ?? ""}' is not valid.`);
    }
    return { Cidr: Cidr!, IpamPoolArn: IpamPoolArn!, AnycastIp: m[1] };
  });
}

const nameTaken = (name: string) => new AwsError("EntityAlreadyExists", `An Anycast static IP list named '${name}' already exists.`);

export const CreateAnycastIpList: Handler<CreateAnycastIpListRequest, CreateAnycastIpListResult> = async (input, ctx) => {
  const name = input.Name ?? "";
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw invalid("The Anycast static IP list name must be 1 to 64 characters of a-z, A-Z, 0-9, - and _.");
  if (input.IpCount !== 3 && input.IpCount !== 21) throw invalid(`IpCount must be 3 or 21, not ${input.IpCount}.`);
  const type = addressType(input.IpAddressType, "ipv4");
  const ipam = ipamConfigs(input.IpamCidrConfigs);
  const tags = validTags(input.Tags);
  return ctx.transaction(async (tx) => {
    if (await tx.get(T.anycastIpListNames, key(ctx.account, name))) throw nameTaken(name);
    const record = nextDeployment(
      {
        Id: anycastIpListId(),
        Name: name,
        IpCount: input.IpCount!,
        IpAddressType: type,
        AnycastIps: addressesFor(type, input.IpCount!),
        ...(ipam ? { IpamCidrConfigs: ipam } : {}),
        LastModifiedTime: isoMillis(ctx.now),
      },
      ctx,
    );
    await tx.put(T.anycastIpLists, key(ctx.account, record.Id), record);
    await tx.put(T.anycastIpListNames, key(ctx.account, name), record.Id);
    await initTags(tx, ctx, ANYCAST_IP_LIST, record.Id, tags);
    return { AnycastIpList: anycastIpListOf(record, "Deploying", ctx.account), ETag: record.ETag };
  });
};

export const GetAnycastIpList: Handler<GetAnycastIpListRequest, GetAnycastIpListResult> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireAnycastIpList(tx, ctx.account, input.Id);
    return { AnycastIpList: anycastIpListOf(record, statusOf(record, ctx), ctx.account), ETag: record.ETag };
  });

export const ListAnycastIpLists: Handler<ListAnycastIpListsRequest, ListAnycastIpListsResult> = async (input, ctx) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    const page = await listPage<AnycastIpListRecord>(tx, T.anycastIpLists, ctx.account, input.Marker, maxItems);
    return {
      AnycastIpLists: {
        Marker: input.Marker ?? "",
        NextMarker: page.nextMarker,
        MaxItems: maxItems,
        IsTruncated: page.nextMarker !== undefined,
        Quantity: page.items.length,
        Items: page.items.length
          ? page.items.map((r) => {
              const { AnycastIps: _ips, ...summary } = anycastIpListOf(r, statusOf(r, ctx), ctx.account);
              return { ...summary, ETag: r.ETag };
            })
          : undefined,
      },
    };
  });
};

/** Groups using the list (at most ConnectionGroupsPerAnycastIpList, so a small scan). */
async function groupsUsing(tx: Transaction, account: string, listId: string): Promise<ConnectionGroupRecord[]> {
  const rows = await tx.scan<string>(T.anycastUsage, { prefix: key(account, listId, ""), limit: 1000 });
  const groups: ConnectionGroupRecord[] = [];
  for (const [, groupId] of rows) {
    const group = await tx.get<ConnectionGroupRecord>(T.connectionGroups, key(account, groupId));
    if (group) groups.push(group);
  }
  return groups;
}

/**
 * Changes the address type and/or the IPAM CIDRs; the name and IpCount are fixed. Moving to
 * ipv4 only is refused while a connection group using the list has IPv6 enabled.
 */
export const UpdateAnycastIpList: Handler<UpdateAnycastIpListRequest, UpdateAnycastIpListResult> = async (input, ctx) => {
  const ipam = ipamConfigs(input.IpamCidrConfigs);
  return ctx.transaction(async (tx) => {
    const record = await requireAnycastIpList(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    const type = addressType(input.IpAddressType, record.IpAddressType);
    if (type === "ipv4" && record.IpAddressType !== "ipv4" && (await groupsUsing(tx, ctx.account, record.Id)).some((g) => g.Ipv6Enabled)) {
      throw invalid("A connection group that uses this Anycast static IP list has IPv6 enabled: the list must keep IPv6 addresses.");
    }
    const { IpamCidrConfigs: oldIpam, ...kept } = record;
    const newIpam = ipam ?? oldIpam;
    const updated = nextDeployment(
      {
        ...kept,
        IpAddressType: type,
        AnycastIps: addressesFor(type, record.IpCount, record.AnycastIps),
        ...(newIpam ? { IpamCidrConfigs: newIpam } : {}),
        LastModifiedTime: isoMillis(ctx.now),
      },
      ctx,
    );
    await tx.put(T.anycastIpLists, key(ctx.account, record.Id), updated);
    return { AnycastIpList: anycastIpListOf(updated, "Deploying", ctx.account), ETag: updated.ETag };
  });
};

export const DeleteAnycastIpList: Handler<DeleteAnycastIpListRequest, Record<string, never>> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const record = await requireAnycastIpList(tx, ctx.account, input.Id);
    checkIfMatch(record, input.IfMatch);
    if (await tx.count(T.anycastUsage, key(ctx.account, record.Id, ""))) {
      throw new AwsError(
        "CannotDeleteEntityWhileInUse",
        `The Anycast static IP list ${record.Id} is used by one or more connection groups. Remove it from them before deleting it.`,
      );
    }
    await refuseInUse(tx, ctx.account, "anycast-ip-list", record.Id);
    await tx.delete(T.anycastIpLists, key(ctx.account, record.Id));
    await tx.delete(T.anycastIpListNames, key(ctx.account, record.Name));
    await dropTags(tx, ctx.account, ANYCAST_IP_LIST, record.Id);
    return {};
  });

/** The distributions whose config names the list (AnycastIpListId). */
export const ListDistributionsByAnycastIpListId: Handler<ListDistributionsByAnycastIpListIdRequest, ListDistributionsByAnycastIpListIdResult> = async (
  input,
  ctx,
) => {
  const maxItems = maxItemsOf(input.MaxItems);
  return ctx.transaction(async (tx) => {
    await requireAnycastIpList(tx, ctx.account, input.AnycastIpListId);
    return { DistributionList: await distributionsUsing(tx, ctx, "anycast-ip-list", input.AnycastIpListId!, input.Marker, maxItems) };
  });
};
