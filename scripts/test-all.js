// `npm test`: unit, integration (PGlite and PostgreSQL) and e2e (Chromium), with a summary.
// Under CI=true a missing PostgreSQL or Chromium fails the run; elsewhere that suite is skipped
// with the reason printed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { buildIfStale } from './build-if-stale.js';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @param {number} port @param {string} [host] @returns {Promise<boolean>} */
function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** @param {string} title @param {string} command @param {string[]} args */
function run(title, command, args) {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  return result.status === 0;
}

/** @type {Array<[string, boolean]>} */
const results = [];
/** @type {string[]} */
const skipped = [];

buildIfStale();

results.push(['unit', run('Unit tests', 'npx', ['vitest', 'run', '--project', 'unit'])]);

const projects = ['--project', 'integration-pglite'];
if (await portOpen(5432)) projects.push('--project', 'integration-postgres');
else if (ci) {
  console.error('✖ CI=true and PostgreSQL is not reachable on 127.0.0.1:5432: failing.');
  results.push(['integration (postgres)', false]);
} else skipped.push('integration-postgres: PostgreSQL is not reachable on 127.0.0.1:5432');
results.push([
  `integration (${projects.filter((p) => p !== '--project').join(', ')})`,
  run('Integration tests', 'npx', ['vitest', 'run', ...projects])
]);

if (existsSync(chromium)) {
  results.push([
    'e2e (Chromium: phone, desktop)',
    run('End-to-end tests', 'npx', ['playwright', 'test'])
  ]);
} else if (ci) {
  console.error(`✖ CI=true and Chromium is missing at ${chromium}: failing.`);
  results.push(['e2e', false]);
} else skipped.push(`e2e: Chromium not found at ${chromium} (apt-get install chromium)`);

console.log('\nSummary');
for (const [name, ok] of results) console.log(`  ${ok ? '✔' : '✖'} ${name}`);
for (const reason of skipped) console.log(`  ⚠ skipped ${reason}`);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
