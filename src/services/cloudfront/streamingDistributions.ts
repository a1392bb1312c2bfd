import type {
  CreateStreamingDistributionRequest,
  CreateStreamingDistributionResult,
  CreateStreamingDistributionWithTagsRequest,
  CreateStreamingDistributionWithTagsResult,
  DeleteStreamingDistributionRequest,
  GetStreamingDistributionConfigRequest,
  GetStreamingDistributionConfigResult,
  GetStreamingDistributionRequest,
  GetStreamingDistributionResult,
  ListStreamingDistributionsRequest,
  ListStreamingDistributionsResult,
  UpdateStreamingDistributionRequest,
  UpdateStreamingDistributionResult,
} from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { maxItemsOf, missingBody } from "./model.js";

/**
 * Streaming (RTMP) distributions, as AWS answers them since RTMP was discontinued (31 December
 * 2020): no account can hold one, so a create is refused, the list is empty and every id names
 * nothing.
 */
const discontinued = () => new AwsError("InvalidArgument", "RTMP distributions are no longer supported.", 400);
const noSuch = () => new AwsError("NoSuchStreamingDistribution", "The specified streaming distribution does not exist.", 404);

export const CreateStreamingDistribution: Handler<CreateStreamingDistributionRequest, CreateStreamingDistributionResult> = async (input) => {
  if (!input.StreamingDistributionConfig) throw missingBody();
  throw discontinued();
};

export const CreateStreamingDistributionWithTags: Handler<CreateStreamingDistributionWithTagsRequest, CreateStreamingDistributionWithTagsResult> = async (input) => {
  if (!input.StreamingDistributionConfigWithTags) throw missingBody();
  throw discontinued();
};

export const GetStreamingDistribution: Handler<GetStreamingDistributionRequest, GetStreamingDistributionResult> = async () => {
  throw noSuch();
};

export const GetStreamingDistributionConfig: Handler<GetStreamingDistributionConfigRequest, GetStreamingDistributionConfigResult> = async () => {
  throw noSuch();
};

export const UpdateStreamingDistribution: Handler<UpdateStreamingDistributionRequest, UpdateStreamingDistributionResult> = async () => {
  throw noSuch();
};

export const DeleteStreamingDistribution: Handler<DeleteStreamingDistributionRequest, Record<string, never>> = async () => {
  throw noSuch();
};

export const ListStreamingDistributions: Handler<ListStreamingDistributionsRequest, ListStreamingDistributionsResult> = async (input) => {
  const maxItems = maxItemsOf(input.MaxItems === undefined ? undefined : Number(input.MaxItems));
  return { StreamingDistributionList: { Marker: input.Marker ?? "", MaxItems: maxItems, IsTruncated: false, Quantity: 0 } };
};
