/** CloudFront's front door: what the core and other services may use of it. */
export { cloudfront } from "./definition.js";
