import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { coverageTable, README, withTable } from "../../scripts/coverage.js";

it("the README's coverage table matches the code (run `npm run coverage` to regenerate)", async () => {
  const readme = readFileSync(README, "utf8");
  assert.equal(readme, withTable(readme, await coverageTable()));
});
