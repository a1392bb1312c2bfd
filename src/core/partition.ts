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

export function partitionOf(region: string | undefined): string {
  if (!region) return "aws";
  for (const [re, partition] of PARTITIONS) if (re.test(region)) return partition;
  return "aws";
}

/** An ARN built for the `aws` partition, moved to the region's partition. */
export const inPartition = (arn: string, region: string | undefined) => {
  const partition = partitionOf(region);
  return partition === "aws" ? arn : arn.replace(/^arn:aws:/, `arn:${partition}:`);
};
