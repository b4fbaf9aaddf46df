import { defineConfig } from "vitest/config";

/** One vitest run covers every package's unit tests and the end-to-end tests in test/. */
export default defineConfig({
  resolve: { conditions: ["@lrsim/source"] },
  ssr: { resolve: { conditions: ["@lrsim/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    setupFiles: ["./test/helpers/property-seed.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
