// Lighthouse (mobile, its default settings) on each URL given, in one headless Chromium; prints
// JSON: per URL the score of each category and the audits that did not pass.
//   node tests/node/lighthouse.mjs CHROMIUM URL...
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const [chromePath, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = {};
try {
  for (const url of urls) {
    const runner = await lighthouse(url, {
      port: chrome.port, output: "json", logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    const lhr = runner.lhr;
    const scores = {};
    const failed = {};
    for (const [id, category] of Object.entries(lhr.categories)) {
      scores[id] = category.score;
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failed[ref.id] = { score: audit.score, value: audit.displayValue || "", title: audit.title };
        }
      }
    }
    results[url] = { scores, failed, error: lhr.runtimeError ? lhr.runtimeError.message : null };
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(results));
