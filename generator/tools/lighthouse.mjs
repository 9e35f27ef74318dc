// Runs Lighthouse on each address given, one after another in one
// Chromium, with Lighthouse's defaults: a mobile phone, simulated
// throttling, the four categories. It prints one line of JSON an address:
// the address, the score of each category, and each audit that keeps a
// category from a full score, with its score and what it found. The
// generator's quality tests run it; CHROME_PATH names the browser.
//
//	node lighthouse.mjs http://127.0.0.1:8080/ http://127.0.0.1:8080/why/
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const categories = ['performance', 'accessibility', 'best-practices', 'seo'];

const chrome = await chromeLauncher.launch({
  chromeFlags: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  for (const url of process.argv.slice(2)) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: categories,
      // Pictures of the page, which no score uses.
      disableFullPageScreenshot: true,
      skipAudits: ['screenshot-thumbnails', 'final-screenshot'],
    });
    const lhr = result.lhr;
    const scores = {};
    const failing = [];
    for (const id of categories) {
      const category = lhr.categories[id];
      scores[id] = category.score;
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failing.push({
            category: id,
            id: ref.id,
            score: audit.score,
            value: audit.displayValue || '',
            items: (audit.details?.items || []).slice(0, 5).map((item) =>
              item.node?.selector || item.node?.snippet || item.url || item.source?.url || ''),
          });
        }
      }
    }
    const warnings = lhr.runWarnings;
    console.log(JSON.stringify({url, scores, failing, warnings, benchmarkIndex: lhr.environment.benchmarkIndex}));
  }
} finally {
  await chrome.kill();
}
