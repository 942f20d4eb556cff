// `npm test`: unit, integration (PGlite and PostgreSQL) and e2e (Chromium), with a summary of
// the counts per suite. Under CI=true a missing PostgreSQL or Chromium fails the run; elsewhere
// that suite is skipped with the reason printed.
// `npm run test:unit|test:integration|test:e2e` run one suite the same way: the first argument
// names the suite; any further ones go to vitest or Playwright (a file, `-t name`, ...).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildIfStale } from './build-if-stale.js';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SUITES = ['unit', 'integration', 'e2e'];
const only = SUITES.includes(process.argv[2] ?? '') ? process.argv[2] : null;
const extra = only ? process.argv.slice(3) : [];
/** @param {string} suite */
const wanted = (suite) => !only || only === suite;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sheaf-test-all-'));

/** @param {number} port @param {string} [host] @returns {Promise<boolean>} */
function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** @param {string} title @param {string} command @param {string[]} args @param {Record<string, string>} [env] */
function run(title, command, args, env = {}) {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

/** @param {string} file @returns {any} */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** @param {{passed: number, failed: number, skipped: number} | undefined} c */
function describeCounts(c) {
  if (!c) return 'no counts (the run stopped early)';
  const parts = [`${c.passed} passed`, `${c.failed} failed`];
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  return parts.join(', ');
}

/** @type {Array<[string, boolean, string]>} */
const results = [];
/** Failed tests, named under the summary: CI keeps only the end of a long log. @type {string[]} */
const failures = [];
/** @type {string[]} */
const skipped = [];

/**
 * Runs vitest projects and records one summary line per project.
 * @param {string} title @param {string[]} projects @param {string[]} [options]
 */
function vitest(title, projects, options = []) {
  const countsFile = path.join(tmp, `${projects.join('-')}.json`);
  const ok = run(
    title,
    'npx',
    [
      'vitest',
      'run',
      ...projects.flatMap((p) => ['--project', p]),
      '--reporter=default',
      '--reporter=./tests/support/count-reporter.ts',
      ...options,
      ...extra
    ],
    { SHEAF_TEST_COUNTS: countsFile }
  );
  const counts = readJson(countsFile) ?? {};
  for (const project of projects) {
    const c = counts[project];
    results.push([project, ok && !!c && c.failed === 0, describeCounts(c)]);
    for (const failure of c?.failures ?? []) failures.push(`${project}: ${failure}`);
  }
}

// Terminal colour codes (ESC [ … m) in Playwright's error messages.
const COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Playwright's failed and flaky tests from its JSON report, as `file:line › title: error`.
 * @param {any[]} suites @returns {string[]}
 */
function playwrightFailures(suites) {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((/** @type {any} */ spec) =>
      (spec.tests ?? [])
        .filter((/** @type {any} */ t) => t.status === 'unexpected' || t.status === 'flaky')
        .map((/** @type {any} */ t) => {
          const error = t.results?.find((/** @type {any} */ r) => r.error)?.error?.message ?? '';
          const line = String(error).replace(COLOURS, '').split('\n')[0];
          return `e2e [${t.projectName}] ${spec.file}:${spec.line} › ${spec.title}: ${line.slice(0, 160)}`;
        })
    ),
    ...playwrightFailures(suite.suites ?? [])
  ]);
}

if (wanted('integration') || wanted('e2e')) buildIfStale();

if (wanted('unit')) vitest('Unit tests', ['unit']);

if (wanted('integration')) {
  const projects = ['integration-pglite'];
  if (await portOpen(5432)) projects.push('integration-postgres');
  else if (ci) {
    console.error('✖ CI=true and PostgreSQL is not reachable on 127.0.0.1:5432: failing.');
    results.push(['integration-postgres', false, 'PostgreSQL not reachable']);
  } else skipped.push('integration-postgres: PostgreSQL is not reachable on 127.0.0.1:5432');
  // Two test files at a time even on two cores (vitest's default there is one): most of these
  // wait on servers they spawn, sockets and timers, and the suite takes half as long.
  vitest('Integration tests', projects, ['--maxWorkers=2']);
}

if (wanted('e2e') && existsSync(chromium)) {
  const report = path.join(tmp, 'playwright.json');
  const ok = run(
    'End-to-end tests',
    'npx',
    ['playwright', 'test', '--reporter=list,json', ...extra],
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: report
    }
  );
  const json = readJson(report);
  const stats = json?.stats;
  failures.push(...playwrightFailures(json?.suites ?? []));
  // Under CI a test that passed only on its retry counts as failed (playwright.config.ts sets
  // failOnFlakyTests too; this keeps the summary honest whatever the config says).
  const counts = stats
    ? {
        passed: stats.expected + (ci ? 0 : stats.flaky),
        failed: stats.unexpected + (ci ? stats.flaky : 0),
        skipped: stats.skipped
      }
    : undefined;
  results.push([
    'e2e (Chromium: phone, desktop)',
    ok && !(ci && stats?.flaky),
    describeCounts(counts) + (stats?.flaky ? ` (${stats.flaky} flaky)` : '')
  ]);
} else if (wanted('e2e') && ci) {
  console.error(`✖ CI=true and Chromium is missing at ${chromium}: failing.`);
  results.push(['e2e', false, `Chromium missing at ${chromium}`]);
} else if (wanted('e2e'))
  skipped.push(`e2e: Chromium not found at ${chromium} (apt-get install chromium)`);

rmSync(tmp, { recursive: true, force: true });
console.log('\nSummary');
const width = Math.max(...results.map(([name]) => name.length));
for (const [name, ok, detail] of results) {
  console.log(`  ${ok ? '✔' : '✖'} ${name.padEnd(width)}  ${detail}`);
}
for (const reason of skipped) console.log(`  ⚠ skipped ${reason}`);
if (failures.length) console.log('\nFailed (or passed only on a retry)');
for (const failure of failures) console.log(`  ✖ ${failure}`);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
