// A vitest reporter that closes the run with one line per port contract and adapter, so the output
// says which contract suites ran against real servers and with what counts.
import type { Reporter, TestModule } from "vitest/node";

interface Count {
  passed: number;
  failed: number;
  skipped: number;
}

const realAdapters = new Set(["postgres", "s3", "kafka", "redis"]);

export default class ContractReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, Count>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const suite = test.fullName.match(/^(\w+) contract \(([^)]+)\)/);
        if (!suite) continue;
        const key = `${suite[1]} (${suite[2]})`;
        const count = counts.get(key) ?? { passed: 0, failed: 0, skipped: 0 };
        const state = test.result().state;
        if (state === "passed") count.passed++;
        else if (state === "failed") count.failed++;
        else count.skipped++;
        counts.set(key, count);
      }
    }
    if (counts.size === 0) return;
    process.stdout.write("\ncontract suites (memory adapters and real servers):\n");
    for (const [key, c] of [...counts].sort()) {
      const adapter = /\((\w+)/.exec(key)?.[1] ?? "";
      const where = realAdapters.has(adapter) ? "real server" : "in memory";
      process.stdout.write(
        `  ${key.padEnd(36)} ${where.padEnd(12)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped\n`,
      );
    }
  }
}
