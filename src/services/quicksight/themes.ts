/** QuickSight's starting themes, readable by every account under the account id `aws`. */
export const BUILT_IN_THEMES = ["CLASSIC", "MIDNIGHT", "SEASIDE", "RAINIER"];
