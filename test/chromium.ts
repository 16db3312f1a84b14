/**
 * Headless Chromium for the browser tests (Debian's chromium driven by playwright-core), and a
 * watch on what a page loads: the course must render with nothing fetched from outside the machine.
 */
import * as fs from "fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launches headless Chromium with no sandbox (tests run as root) and no background traffic. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (Debian package chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Collects every http(s) request the page makes to a host other than this machine's loopback
 * names; file:, data: and blob: URLs are local by nature.
 */
export function recordExternalRequests(page: Page): string[] {
  const external: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol.startsWith("http") && !["127.0.0.1", "localhost"].includes(url.hostname)) external.push(req.url());
  });
  return external;
}
