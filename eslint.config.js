// ESLint flat config: typescript-eslint's recommended rules, STYLE.md's size limits, and the
// determinism ban on Math.random / Date.now in the simulator and the pure core.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".syncbench/**", "coverage/**"] },
  js.configs.recommended,
  {
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { module: "writable", require: "readonly" },
    },
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
      },
    },
    rules: {
      // The bounds were 70 and 400 while code ran to ~130 columns; Prettier's 100 columns
      // (2026-12-07) made the same code up to 1.7x longer (testcontainers up 70 -> 118 lines).
      // Raised so the reformat changes no verdict; the functions past 70 are listed in the
      // CHANGELOG entry of the reformat, to be split.
      "max-lines-per-function": ["warn", { max: 125, skipBlankLines: true, skipComments: true }],
      "max-lines": ["warn", { max: 500, skipBlankLines: true, skipComments: true }],
      "no-empty": ["error", { allowEmptyCatch: false }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "**/*.bench.ts", "**/*.contract.ts", "**/*.api-suite.ts"],
    rules: { "max-lines-per-function": "off", "max-lines": "off" },
  },
  {
    files: ["simulator/**/*.ts", "reference-impl/core/**/*.ts"],
    ignores: ["**/*.test.ts", "**/*.bench.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "Math",
          property: "random",
          message: "use the seeded PRNG (reference-impl/core/random.ts)",
        },
        {
          object: "Date",
          property: "now",
          message: "time is a port: take a Clock or simulated time",
        },
      ],
    },
  },
);
