import type { ProtocolName } from "../service.js";
import { awsJson1_1 } from "./awsJson.js";
import { awsQuery } from "./awsQuery.js";
import type { Protocol } from "./protocol.js";
import { restJson1 } from "./restJson1.js";
import { restXml } from "./restXml.js";

/** One module per AWS wire protocol; a service names the one it speaks. */
export const protocols: Partial<Record<ProtocolName, Protocol>> = {
  awsQuery,
  awsJson1_1,
  restJson1,
  restXml,
};
