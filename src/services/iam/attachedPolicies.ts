import { AwsError } from "../../core/errors.js";
import { paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { type Attachment, childKey, type InlinePolicy, limitExceeded, listPage } from "./model.js";
import { requirePolicy } from "./policies.js";
import { addUse, type EntityType, removeUse } from "./policyUsage.js";
import { parseIdentityPolicy, rfc3986 } from "./policyDocument.js";
import * as check from "./validation.js";

/**
 * The policies of an identity that holds them (a group or a user): its inline policies and the
 * managed policies attached to it. Both are keyed by the holder's id, so a rename keeps them.
 * groupPolicies.ts and userPolicies.ts declare one holder each; the behaviour is written once.
 */
export interface PolicyHolder {
  /** `group` or `user`, as IAM's messages name it. */
  kind: "group" | "user" | "role";
  /** The entity type ListEntitiesForPolicy lists it under. */
  type: EntityType;
  /** The input member naming the holder: `GroupName`, `UserName` or `RoleName`. */
  nameMember: "GroupName" | "UserName" | "RoleName";
  /**
   * The holder's id, exact name and path; NoSuchEntity when it does not exist. `unmodifiable`
   * is the error its changes get (a service-linked role's UnmodifiableEntity).
   */
  find(tx: Transaction, account: string, name: string): Promise<Holder>;
  inlineTable: string;
  attachedTable: string;
  /** Quota names: total inline characters, and attached policies. */
  inlineSizeQuota: string;
  attachedQuota: string;
}

interface Holder {
  id: string;
  name: string;
  path: string;
  unmodifiable?: AwsError;
}

/** The holder, for a call that changes its policies. */
async function modifiable(h: PolicyHolder, tx: Transaction, account: string, name: string) {
  const holder = await h.find(tx, account, name);
  if (holder.unmodifiable) throw holder.unmodifiable;
  return holder;
}

// The SDK's request types differ only in the holder's member name; handlers read it through `nameMember`.
type Input = Record<string, string | number | boolean | undefined>;
const str = (input: Input, member: string) => input[member] as string | undefined;

/** Attachments are keyed by lower-case policy name then ARN, so lists come back ordered by name. */
const attachmentKey = (account: string, holderId: string, arn: string, name: string) =>
  childKey(account, holderId, `${name.toLowerCase()} ${arn}`);

export function policyHandlers(h: PolicyHolder) {
  const validate = (input: Input, ...more: Array<(v: ReturnType<typeof check.iamValidator>) => unknown>) => {
    const v = check.iamValidator();
    check.entityName(v, str(input, h.nameMember), h.nameMember, 128);
    for (const m of more) m(v);
    v.check();
  };
  const policyName = (input: Input) => (v: ReturnType<typeof check.iamValidator>) => check.entityName(v, str(input, "PolicyName"), "PolicyName", 128);
  const page = (input: Input) => (v: ReturnType<typeof check.iamValidator>) => {
    check.maxItems(v, input.MaxItems as number | undefined);
    check.marker(v, str(input, "Marker"));
  };
  const noSuchInline = (name: string) => new AwsError("NoSuchEntity", `The ${h.kind} policy with name ${name} cannot be found.`);

  const PutPolicy: Handler<Input, Record<string, never>> = async (input, ctx) => {
    validate(input, policyName(input), (v) => check.policyDocument(v, str(input, "PolicyDocument")));
    const name = str(input, "PolicyName")!;
    const document = str(input, "PolicyDocument")!;
    parseIdentityPolicy(document);
    return ctx.transaction(async (tx) => {
      const holder = await modifiable(h, tx, ctx.account, str(input, h.nameMember)!);
      const under = childKey(ctx.account, holder.id);
      // The quota is on all the holder's inline policies together, the new one replacing its namesake.
      let total = check.policySize(document);
      for (const [, p] of await tx.scan<InlinePolicy>(h.inlineTable, { prefix: under, limit: 10_000 })) {
        if (p.PolicyName !== name) total += check.policySize(p.PolicyDocument);
      }
      const limit = ctx.quota(h.inlineSizeQuota);
      if (total > limit) throw new AwsError("LimitExceeded", `Maximum policy size of ${limit} bytes exceeded for ${h.kind} ${holder.name}`);
      await tx.put<InlinePolicy>(h.inlineTable, under + name, { PolicyName: name, PolicyDocument: document });
      return {};
    });
  };

  /** The document comes back percent-encoded (RFC 3986), as IAM returns it. */
  const GetPolicy: Handler<Input, Record<string, string>> = async (input, ctx) => {
    validate(input, policyName(input));
    return ctx.transaction(async (tx) => {
      const holder = await h.find(tx, ctx.account, str(input, h.nameMember)!);
      const policy = await tx.get<InlinePolicy>(h.inlineTable, childKey(ctx.account, holder.id, str(input, "PolicyName")));
      if (!policy) throw noSuchInline(str(input, "PolicyName")!);
      return { [h.nameMember]: holder.name, PolicyName: policy.PolicyName, PolicyDocument: rfc3986(policy.PolicyDocument) };
    });
  };

  const ListPolicies: Handler<Input, unknown> = async (input, ctx) => {
    validate(input, page(input));
    return ctx.transaction(async (tx) => {
      const holder = await h.find(tx, ctx.account, str(input, h.nameMember)!);
      const found = await paginate<InlinePolicy>(tx, h.inlineTable, childKey(ctx.account, holder.id), {
        marker: str(input, "Marker"),
        maxItems: (input.MaxItems as number | undefined) ?? 100,
      });
      return listPage("PolicyNames", { items: found.items.map((p) => p.PolicyName), next: found.next });
    });
  };

  const DeletePolicy: Handler<Input, Record<string, never>> = async (input, ctx) => {
    validate(input, policyName(input));
    return ctx.transaction(async (tx) => {
      const holder = await modifiable(h, tx, ctx.account, str(input, h.nameMember)!);
      if (!(await tx.delete(h.inlineTable, childKey(ctx.account, holder.id, str(input, "PolicyName"))))) {
        throw noSuchInline(str(input, "PolicyName")!);
      }
      return {};
    });
  };

  const validateAttach = (input: Input) => {
    validate(input, (v) => check.arn(v, str(input, "PolicyArn"), "PolicyArn"));
    check.parsePolicyArn(str(input, "PolicyArn")!);
  };

  /** Attaching an attached policy again is a no-op. */
  const AttachPolicy: Handler<Input, Record<string, never>> = async (input, ctx) => {
    validateAttach(input);
    return ctx.transaction(async (tx) => {
      const holder = await modifiable(h, tx, ctx.account, str(input, h.nameMember)!);
      const policy = await requirePolicy(tx, ctx.account, str(input, "PolicyArn")!);
      const key = attachmentKey(ctx.account, holder.id, policy.Arn, policy.PolicyName);
      if (await tx.get(h.attachedTable, key)) return {};
      const limit = ctx.quota(h.attachedQuota);
      if ((await tx.count(h.attachedTable, childKey(ctx.account, holder.id))) >= limit) throw limitExceeded(h.attachedQuota, limit);
      await tx.put<Attachment>(h.attachedTable, key, { PolicyArn: policy.Arn, PolicyName: policy.PolicyName });
      await addUse(tx, ctx.account, policy, { type: h.type, id: holder.id, name: holder.name, path: holder.path, usage: "PermissionsPolicy" });
      return {};
    });
  };

  const DetachPolicy: Handler<Input, Record<string, never>> = async (input, ctx) => {
    validateAttach(input);
    const arn = str(input, "PolicyArn")!;
    return ctx.transaction(async (tx) => {
      const holder = await modifiable(h, tx, ctx.account, str(input, h.nameMember)!);
      if (!(await tx.delete(h.attachedTable, attachmentKey(ctx.account, holder.id, arn, check.parsePolicyArn(arn).name)))) {
        throw new AwsError("NoSuchEntity", `Policy ${arn} was not found.`);
      }
      await removeUse(tx, ctx.account, arn, { type: h.type, id: holder.id, usage: "PermissionsPolicy" }, true);
      return {};
    });
  };

  const ListAttachedPolicies: Handler<Input, unknown> = async (input, ctx) => {
    validate(input, page(input));
    const pathPrefix = str(input, "PathPrefix");
    if (pathPrefix !== undefined && !/^\/([\u0021-\u007F]*\/)?$/.test(pathPrefix)) {
      throw new AwsError(
        "InvalidInput",
        "The specified value for pathPrefix is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
      );
    }
    return ctx.transaction(async (tx) => {
      const holder = await h.find(tx, ctx.account, str(input, h.nameMember)!);
      const found = await paginate<Attachment>(tx, h.attachedTable, childKey(ctx.account, holder.id), {
        marker: str(input, "Marker"),
        maxItems: (input.MaxItems as number | undefined) ?? 100,
        filter: (a) => check.parsePolicyArn(a.PolicyArn).path.startsWith(pathPrefix ?? "/"),
      });
      return listPage("AttachedPolicies", { items: found.items, next: found.next });
    });
  };

  return { PutPolicy, GetPolicy, ListPolicies, DeletePolicy, AttachPolicy, DetachPolicy, ListAttachedPolicies };
}
