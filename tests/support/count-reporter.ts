// A Vitest reporter that writes per-project test counts to $SHEAF_TEST_COUNTS (JSON), so
// `npm test` can print unit / integration (PGlite, PostgreSQL) counts in its summary.
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

type Counts = Record<string, { passed: number; failed: number; skipped: number }>;

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const file = process.env.SHEAF_TEST_COUNTS;
    if (!file) return;
    const counts: Counts = {};
    for (const module of modules) {
      const c = (counts[module.project.name] ??= { passed: 0, failed: 0, skipped: 0 });
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') c.passed++;
        else if (state === 'failed') c.failed++;
        else c.skipped++;
      }
      if (module.state() === 'failed' && module.errors().length > 0) c.failed++;
    }
    writeFileSync(file, JSON.stringify(counts));
  }
}
