import type { ServiceDefinition } from "../../core/service.js";
import { authorization } from "./authorization.js";
import { DescribeKeyRegistration, UpdateKeyRegistration } from "./keyRegistration.js";

export const quicksight: ServiceDefinition = {
  name: "quicksight",
  title: "QuickSight",
  signingName: "quicksight",
  protocol: "restJson1",
  global: false,
  apiVersion: "2018-04-01",
  hostPrefixes: ["quicksight"],
  validationErrorCode: "InvalidParameterValueException",
  internalErrorCode: "InternalFailureException",
  loadSchemas: () => import("@aws-sdk/client-quicksight"),
  handlers: {
    UpdateKeyRegistration,
    DescribeKeyRegistration,
  },
  authorization,
};
