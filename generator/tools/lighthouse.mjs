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

// Performance audits that judge the page itself, not the speed of the
// machine that ran it: layout shifts, images without a size, the largest
// picture loaded lazily, text invisible while a font loads, uncompressed
// text.
const steadyAudits = [
  'cumulative-layout-shift', 'layout-shifts', 'unsized-images', 'lcp-lazy-loaded',
  'font-display', 'uses-text-compression',
];

// The most boxes one layout of the page placed while it loaded, from the
// trace Lighthouse recorded: the work behind most of the total blocking
// time. It says how much of the page the first screen made the browser
// lay out, but not exactly: a layout that ran before the whole page was
// parsed placed fewer. Layouts of other frames, such as SVG figures, are
// not the page's.
function largestLayout(trace) {
  const events = trace?.traceEvents || [];
  const frame = events.find((e) => e.name === 'firstContentfulPaint')?.args?.frame;
  let most = 0;
  for (const e of events) {
    const begin = e.name === 'Layout' && e.args?.beginData;
    if (begin && begin.frame === frame) most = Math.max(most, begin.dirtyObjects || 0);
  }
  return most;
}

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
    // The performance audits whose verdict does not depend on how fast
    // the machine ran the page: null when one does not apply.
    const steady = {};
    for (const id of steadyAudits) {
      const audit = lhr.audits[id];
      steady[id] = audit ? audit.score : null;
    }
    const metrics = {};
    for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'speed-index']) {
      metrics[id] = lhr.audits[id].numericValue;
    }
    const warnings = lhr.runWarnings;
    console.log(JSON.stringify({url, scores, failing, steady, metrics, warnings, benchmarkIndex: lhr.environment.benchmarkIndex,
      layoutObjects: largestLayout(result.artifacts.Trace)}));
  }
} finally {
  await chrome.kill();
}
