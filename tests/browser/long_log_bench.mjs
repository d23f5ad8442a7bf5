#!/usr/bin/env node
// The long-log benchmark (docs/benchmarks.md, "Client"): runs
// long_log.test.mjs a few times in each browser and prints, per browser, the
// median over the runs of each figure the test measured (the main thread's
// time per frame while the wheel scrolls 10,000 lines at 1280x800).
//
//   node tests/browser/long_log_bench.mjs [--runs 3] [--browsers chromium,firefox]
//
// CHATD and CHAT_SITE as for the browser tests (default build/server/chatd,
// build/site). Each run's figures: tests/browser/output/<browser>/long-log-<n>.json.
// It reports; it asserts nothing about time (a failed run is a failed test).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const runs = Number(option('--runs', '3'));
const browsers = option('--browsers', 'chromium,firefox').split(',');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => value.toFixed(2);

const lines = ['| browser | runs | scrolling frames | app work per frame: median / p95 / max (ms) | frames that only scrolled: median / p95 | frames that drew new glyphs: count, median / max | GL submission: median / p95 | 100 messages arriving: median / p95 / max | pages of history coming in: median / p95 / max |',
  '|---|---|---|---|---|---|---|---|---|'];
for (const browser of browsers) {
  const results = [];
  for (let run = 1; run <= runs; ++run) {
    console.error(`long log bench: ${browser}, run ${run} of ${runs}`);
    const child = spawnSync(process.execPath, ['--test', path.join(here, 'long_log.test.mjs')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BROWSER: browser, TEST_TIMEOUT_MS: process.env.TEST_TIMEOUT_MS || '2100000' },
    });
    if (child.status !== 0) {
      console.error(`long log bench: the ${browser} run ${run} failed (exit ${child.status})`);
      process.exit(1);
    }
    const file = path.join(here, 'output', browser, 'long-log.json');
    const result = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.copyFileSync(file, path.join(here, 'output', browser, `long-log-${run}.json`));
    results.push(result);
  }
  const of = (pick) => median(results.map(pick));
  const three = (key) => `${ms(of((r) => r[key].median))} / ${ms(of((r) => r[key].p95))} / ${ms(of((r) => r[key].max))}`;
  lines.push(`| ${browser} | ${runs} | ${Math.round(of((r) => r.work.frames))} | **${three('work')}** | ` +
    `${ms(of((r) => r.scrollOnly.median))} / ${ms(of((r) => r.scrollOnly.p95))} | ` +
    `${Math.round(of((r) => r.newGlyphs.frames))}, ${ms(of((r) => r.newGlyphs.median || 0))} / ${ms(of((r) => r.newGlyphs.max || 0))} | ` +
    `${ms(of((r) => r.gl.median))} / ${ms(of((r) => r.gl.p95))} | ${three('arriving')} | ${three('paging')} |`);
}
console.log(lines.join('\n'));
