/** Headless Chromium (Debian's package, no download) driven by playwright-core, one per test file. */
import { existsSync } from "node:fs";
import { after, before } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.NUBIS_CHROMIUM ?? "/usr/bin/chromium";

/** The flags this machine (a container, no GPU, no network) needs. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts the browser for the calling file; `page()` opens a fresh page. Chromium is installed
 * by .ci/run: a missing one fails the tests (they must run in CI, not skip).
 */
export interface ConsolePage extends Page {
  /** Uncaught errors of the page's scripts. */
  errors: Error[];
  /** Every URL the page requested. */
  requested: string[];
}

export function useBrowser(): () => Promise<ConsolePage> {
  let browser: Browser | undefined;
  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
  });
  return async () => {
    if (!browser) throw new Error("browser not started");
    const page = (await browser.newPage({ viewport: { width: 1400, height: 900 } })) as ConsolePage;
    // Generous: the suite shares two cores with everything else; nothing waits this long when it works.
    page.setDefaultTimeout(10_000);
    page.errors = [];
    page.requested = [];
    page.on("pageerror", (error) => page.errors.push(error));
    page.on("request", (request) => page.requested.push(request.url()));
    return page;
  };
}
