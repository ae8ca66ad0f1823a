// Open pages of a static site in Debian's Chromium (headless), and report as JSON on stdout:
// each page's title, its images (loaded? natural width), and axe-core's WCAG 2.1 A/AA and
// best-practice violations. Optionally a full-page screenshot of the first page.
// Usage: node check_pages.mjs BASE_URL SCREENSHOT.png|- PAGE [PAGE ...]
// BASE_URL is where the test serves the site (http://127.0.0.1:PORT/); any request elsewhere is
// refused and reported, so the pages must stand alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const [base, screenshot, ...pages] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const profile = mkdtempSync(join(tmpdir(), "vidtask-chromium-"));

const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
  viewport: { width: 1280, height: 900 },
});
const outside = [];
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith(base)) return route.continue();
  outside.push(url);
  return route.abort();
});
const results = [];
try {
  for (const [index, name] of pages.entries()) {
    const page = await context.newPage();
    const failed = [];
    page.on("requestfailed", (request) => failed.push(request.url()));
    await page.goto(new URL(name, base).href, { waitUntil: "load" });
    const images = await page.evaluate(() => Array.from(document.images, (img) => ({
      src: img.getAttribute("src"), complete: img.complete, naturalWidth: img.naturalWidth,
      alt: img.getAttribute("alt"),
    })));
    await page.addScriptTag({ path: axePath });
    const axe = await page.evaluate(async () => {
      const found = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                         "best-practice"] },
        resultTypes: ["violations"],
      });
      return { violations: found.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.join(" ")) })),
        passes: found.passes.length, version: window.axe.version };
    });
    if (index === 0 && screenshot && screenshot !== "-") {
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    results.push({ page: name, title: await page.title(), lang: await page.getAttribute(
      "html", "lang"), images, failedRequests: failed, ...axe });
    await page.close();
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify({ browser: executablePath, outside, results }, null, 2)
                     + "\n");
