import { startInProcessApp } from '/work/wt-load/bench/in-process-app';
import http from 'node:http';
process.env.BENCH_DB ??= 'postgres';
const app = await startInProcessApp();
const N = 2000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const viaHttp = (path: string) => new Promise<void>((res, rej) => {
  http.get(app.base + path, { agent }, (r) => { r.resume(); r.on('end', res); }).on('error', rej);
});
for (const [label, get] of [
  ['fetch', async () => { const r = await fetch(app.base + '/api/healthz'); await r.arrayBuffer(); }],
  ['http', () => viaHttp('/api/healthz')],
  ['fetch', async () => { const r = await fetch(app.base + '/api/healthz'); await r.arrayBuffer(); }],
  ['http', () => viaHttp('/api/healthz')],
] as const) {
  for (let i = 0; i < 200; i++) await get();
  const c = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < N; i++) await get();
  const u = process.cpuUsage(c);
  console.log(label, ((u.user + u.system) / N).toFixed(0), 'µs cpu/req', ((performance.now() - t) * 1000 / N).toFixed(0), 'µs wall/req');
}
await app.close(); process.exit(0);
