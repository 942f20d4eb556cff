// A Vitest reporter that writes per-project test counts to $SHEAF_TEST_COUNTS (JSON), so
// `npm test` can print unit / integration (PGlite, PostgreSQL) counts in its summary, and the
// failed tests' names and first error lines under it (CI keeps only the end of a long log).
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

type Counts = Record<
  string,
  { passed: number; failed: number; skipped: number; failures: string[] }
>;

/** The first line of a failure's message, shortened: enough to name it in a summary. */
const firstLine = (message: string | undefined) => (message ?? '').split('\n')[0].slice(0, 160);

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const file = process.env.SHEAF_TEST_COUNTS;
    if (!file) return;
    const counts: Counts = {};
    for (const module of modules) {
      const c = (counts[module.project.name] ??= {
        passed: 0,
        failed: 0,
        skipped: 0,
        failures: []
      });
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') c.passed++;
        else if (result.state === 'failed') {
          c.failed++;
          const error = firstLine(result.errors?.[0]?.message);
          c.failures.push(`${module.relativeModuleId} › ${test.fullName}: ${error}`);
        } else c.skipped++;
      }
      if (module.state() === 'failed' && module.errors().length > 0) {
        c.failed++;
        c.failures.push(`${module.relativeModuleId}: ${firstLine(module.errors()[0].message)}`);
      }
    }
    writeFileSync(file, JSON.stringify(counts));
  }
}
