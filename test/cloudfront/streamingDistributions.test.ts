/** Streaming (RTMP) distributions as AWS answers them since RTMP ended: no create, an empty list, every id unknown. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateStreamingDistributionCommand,
  CreateStreamingDistributionWithTagsCommand,
  DeleteStreamingDistributionCommand,
  GetStreamingDistributionCommand,
  GetStreamingDistributionConfigCommand,
  ListStreamingDistributionsCommand,
  UpdateStreamingDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, refusal, storeState } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);
const refused = refusal(() => storeState(server().store as never));

const config = {
  CallerReference: "rtmp",
  S3Origin: { DomainName: "media.s3.amazonaws.com", OriginAccessIdentity: "" },
  Comment: "",
  TrustedSigners: { Enabled: false, Quantity: 0 },
  Enabled: true,
};

describe("streaming distributions", () => {
  it("refuses creates: RTMP is discontinued", async () => {
    await refused(() => client().send(new CreateStreamingDistributionCommand({ StreamingDistributionConfig: config })), "InvalidArgument", 400);
    await refused(
      () => client().send(new CreateStreamingDistributionWithTagsCommand({ StreamingDistributionConfigWithTags: { StreamingDistributionConfig: config, Tags: { Items: [] } } })),
      "InvalidArgument",
      400,
    );
  });

  it("lists none and knows no id", async () => {
    const list = await client().send(new ListStreamingDistributionsCommand({}));
    assert.deepEqual(
      { ...list.StreamingDistributionList },
      { Marker: "", MaxItems: 100, IsTruncated: false, Quantity: 0 },
    );
    await refused(() => client().send(new GetStreamingDistributionCommand({ Id: "EXAMPLE1234567" })), "NoSuchStreamingDistribution", 404);
    await refused(() => client().send(new GetStreamingDistributionConfigCommand({ Id: "EXAMPLE1234567" })), "NoSuchStreamingDistribution", 404);
    await refused(
      () => client().send(new UpdateStreamingDistributionCommand({ Id: "EXAMPLE1234567", IfMatch: "E1", StreamingDistributionConfig: config })),
      "NoSuchStreamingDistribution",
      404,
    );
    await refused(() => client().send(new DeleteStreamingDistributionCommand({ Id: "EXAMPLE1234567", IfMatch: "E1" })), "NoSuchStreamingDistribution", 404);
  });
});
