/** QuickSight's front door: what the core and other services may use of it. */
export { quicksight } from "./definition.js";
