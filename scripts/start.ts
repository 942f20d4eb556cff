// `npm start`: validate the configuration, build when needed, then serve build/ with Node.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMailTransport, ConfigError, parseConfig } from '../src/lib/server/config';
import { defaultBodySizeLimit } from '../src/lib/server/http/limits';
import { buildIfStale } from './build-if-stale.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
// `npm start` is the first-run and development path: mail may then stay in the (loopback-only)
// dev mailbox. NODE_ENV=production, the default of `node build`, wants Postmark (config.ts).
env.NODE_ENV ??= 'development';

try {
  const config = parseConfig(env);
  checkMailTransport(config);
  // adapter-node reads BODY_SIZE_LIMIT before any of Sheaf's code runs, and its own default
  // (512K) would turn away most PDFs: unset, it is sized from MAX_UPLOAD_MB here.
  env.BODY_SIZE_LIMIT ??= defaultBodySizeLimit(config.MAX_UPLOAD_MB);
  // adapter-node takes a request's origin from ORIGIN and, unset, assumes https: the forms of
  // the printed http://localhost address would all be refused as cross-site. Unset, it is the
  // address Sheaf prints and puts in its mails (config.ts), unless a proxy's protocol header
  // is configured to say it.
  if (!env.ORIGIN && !env.PROTOCOL_HEADER) env.ORIGIN = config.origin;
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

try {
  buildIfStale();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const child = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
  cwd: root,
  stdio: 'inherit',
  env
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
