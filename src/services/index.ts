import type { ServiceDefinition } from "../core/service.js";
import { cloudfront } from "./cloudfront/definition.js";
import { iam } from "./iam/definition.js";
import { kms } from "./kms/definition.js";
import { quicksight } from "./quicksight/definition.js";
import { sts } from "./sts/definition.js";

/** Every service nubis serves. */
export const services: readonly ServiceDefinition[] = [iam, sts, kms, quicksight, cloudfront];
