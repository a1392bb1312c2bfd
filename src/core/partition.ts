/**
 * The AWS partition of a region, as ARNs spell it: `arn:aws-cn:…` for China, `arn:aws-us-gov:…`
 * for GovCloud, and the ISO partitions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
 */
const PARTITIONS: Array<[RegExp, string]> = [
  [/^cn-/, "aws-cn"],
  [/^us-gov-/, "aws-us-gov"],
  [/^us-isob-/, "aws-iso-b"],
  [/^us-iso-/, "aws-iso"],
  [/^eu-isoe-/, "aws-iso-e"],
  [/^us-isof-/, "aws-iso-f"],
  [/^eusc-/, "aws-eusc"],
];

const byRegion = new Map<string, string>();

/** Read on every request (the core respells ARNs outside `aws`): each region's answer is kept. */
export function partitionOf(region: string | undefined): string {
  if (!region) return "aws";
  let partition = byRegion.get(region);
  if (partition === undefined) {
    partition = PARTITIONS.find(([re]) => re.test(region))?.[1] ?? "aws";
    // Regions come from clients' signatures: a bounded cache, as anything keyed by request input.
    if (byRegion.size < 1000) byRegion.set(region, partition);
  }
  return partition;
}

/** An ARN built for the `aws` partition, moved to the region's partition. */
export const inPartition = (arn: string, region: string | undefined) => {
  const partition = partitionOf(region);
  return partition === "aws" ? arn : arn.replace(/^arn:aws:/, `arn:${partition}:`);
};

/**
 * nubis keeps one state whatever partition a client signs for, with every ARN in the `aws`
 * spelling; the protocol boundary speaks the signing region's partition. This respells the ARNs
 * of a decoded input (`to` = "aws") or of an output (`from` = "aws"): a string value that is an
 * ARN of `from`, anywhere in the structure. Stored objects are never changed: what differs is
 * copied. Documents (policies are JSON text) are left as the caller wrote them.
 */
export function respellArns<T>(value: T, from: string, to: string): T {
  const prefix = `arn:${from}:`;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return v.startsWith(prefix) ? `arn:${to}:${v.slice(prefix.length)}` : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object" || v instanceof Date || ArrayBuffer.isView(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  return walk(value) as T;
}

/** A message's ARNs (an error's "User: arn:aws:iam::…") in the partition's spelling. */
export const messageInPartition = (message: string, partition: string) =>
  partition === "aws" ? message : message.replace(/\barn:aws:/g, `arn:${partition}:`);
