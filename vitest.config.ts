import { defineConfig } from "vitest/config";

const INSTALL_TEST = "test/installed-package.test.ts";

/**
 * One vitest run covers every package's unit tests and the end-to-end tests in test/. The
 * real-install test runs on its own, after all the others (a later `groupOrder`): its npm
 * install compiles better-sqlite3 for a minute or two, which would otherwise compete for the
 * cores with the timed-out-if-starved training tests.
 */
export default defineConfig({
  resolve: { conditions: ["@lrsim/source"] },
  ssr: { resolve: { conditions: ["@lrsim/source"] } },
  test: {
    testTimeout: 60_000,
    setupFiles: ["./test/helpers/property-seed.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "lrsim",
          include: ["packages/*/test/**/*.test.ts", "examples/*/*.test.ts", "test/**/*.test.ts"],
          exclude: [INSTALL_TEST, "**/node_modules/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "installed", include: [INSTALL_TEST], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
