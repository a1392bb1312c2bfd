/** The console's files: served by nubis itself, offline (nothing from elsewhere), small. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASSET_NAMES } from "../../src/console/assets.js";
import { useServer } from "../harness.js";

const server = useServer();
const LIMIT = 200 * 1024;

describe("console assets", () => {
  it("the page, its script and its stylesheet are served gzipped, under 200 KB in all, with a self-only CSP", async () => {
    let total = 0;
    for (const [name, path] of [["index.html", "/_nubis/console"], ...ASSET_NAMES.filter((n) => n !== "index.html").map((n) => [n, `/_nubis/console/assets/${n}`])]) {
      const res = await fetch(server().endpoint + path, { headers: { "accept-encoding": "gzip" } });
      assert.equal(res.status, 200, name);
      // fetch decodes gzip itself: the compressed size is the content-length.
      total += Number(res.headers.get("content-length"));
      assert.equal(res.headers.get("content-encoding"), "gzip");
      assert.match(res.headers.get("content-security-policy")!, /default-src 'self'/);
      const text = await res.text();
      // Nothing fetched from elsewhere: no absolute URL in any file (no CDN, fonts or remote scripts).
      assert.doesNotMatch(text, /(src|href)=["']?(https?:)?\/\//i, name);
      assert.doesNotMatch(text, /@import|url\(\s*["']?https?:/i, name);
    }
    assert.ok(total > 0 && total < LIMIT, `console is ${total} bytes compressed`);
  });

  it("an unknown asset is a 404, and the API answers JSON 404 for unknown endpoints", async () => {
    assert.equal((await fetch(`${server().endpoint}/_nubis/console/assets/nope.js`)).status, 404);
    const res = await fetch(`${server().endpoint}/_nubis/console/api/nope`);
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /no console endpoint/);
  });

  it("gzip is only sent to clients that ask for it", async () => {
    const res = await fetch(`${server().endpoint}/_nubis/console/assets/app.js`, { headers: { "accept-encoding": "identity" } });
    assert.equal(res.headers.get("content-encoding"), null);
    assert.match(await res.text(), /_nubis\/console\/api\/overview/);
  });
});
