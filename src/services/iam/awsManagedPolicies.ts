import type { PolicyRecord } from "./model.js";

/**
 * AWS managed policies (`arn:aws:iam::aws:policy/...`): the same for every account, so they are
 * code, not state; only how many entities of an account attach one (or use it as a boundary)
 * is stored. The data (awsManagedPolicyData.ts) holds the most attached policies with AWS's
 * names, ids, paths, default version and its document, from AWS's managed policy reference and
 * public snapshots of GetPolicyVersion; only the default version exists here. A policy not
 * listed answers NoSuchEntity like any unknown policy.
 */

type AwsPolicy = Omit<PolicyRecord, "AttachmentCount">;

let catalog: AwsPolicy[] | undefined;
let byArn: Map<string, AwsPolicy> | undefined;

/**
 * Built on first use, sorted by name as ListPolicies returns them. The data module (with
 * ReadOnlyAccess's large document) is imported then, not at start-up.
 */
async function load(): Promise<AwsPolicy[]> {
  if (catalog) return catalog;
  const { AWS_MANAGED_POLICY_ROWS } = await import("./awsManagedPolicyData.js");
  catalog = AWS_MANAGED_POLICY_ROWS.map(([PolicyName, PolicyId, Path, DefaultVersionId, CreateDate, UpdateDate, Description, PolicyDocument]) => ({
    PolicyName,
    PolicyId,
    Arn: `arn:aws:iam::aws:policy${Path}${PolicyName}`,
    Path,
    ...(Description ? { Description } : {}),
    PolicyDocument,
    DefaultVersionId,
    Versions: [{ VersionId: DefaultVersionId, Document: PolicyDocument, CreateDate: UpdateDate }],
    CreateDate,
    UpdateDate,
  })).sort((a, b) => (a.PolicyName.toLowerCase() < b.PolicyName.toLowerCase() ? -1 : 1));
  byArn = new Map(catalog.map((p) => [p.Arn, p]));
  return catalog;
}

export const awsManagedPolicies = (): Promise<ReadonlyArray<AwsPolicy>> => load();

/** AWS's policy an ARN names; a customer ARN answers without loading the catalog. */
export async function awsManagedPolicy(arn: string): Promise<AwsPolicy | undefined> {
  if (!/^arn:[\w-]+:iam::aws:policy\//.test(arn)) return undefined;
  await load();
  return byArn!.get(arn);
}
