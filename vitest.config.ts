// Two vitest projects: `unit` needs no server (unit, property, oracle and contract-on-memory
// tests); `int` runs against the real stack, which its global setup brings up once per run.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./reference-impl/stores/contract/contract-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**", ".syncbench/**"],
          // A bound against hangs, not a speed check: CPU-bound tests (the rolling-deploy
          // cross-check, the delta properties) take 10-40 s alone and 80-90 s beside two CPU
          // burners at load average 22, so the bound leaves room for a shared 2-core machine.
          testTimeout: 300_000,
        },
      },
      {
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", ".syncbench/**"],
          globalSetup: ["reference-impl/stack/stack.global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
