// Layer rules of STYLE.md section 1, one commented rule per row. Runs inside `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "runtime-needs-no-dev-dependency",
      comment:
        "what the syncbench binary and the services run imports only package.json's dependencies (npm ci --omit=dev must run them); tests, benches, fuzzers and contract suites may use devDependencies.",
      severity: "error",
      from: {
        pathNot: [
          "\\.test\\.ts$",
          "(^|/)(bench|fuzz)/",
          "\\.(bench|fuzz)\\.ts$",
          "^reference-impl/stores/contract/",
          "\\.global-setup\\.ts$",
          "\\.(test-env|api-suite)\\.ts$",
        ],
      },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "packages-are-declared",
      comment:
        "every package imported is in package.json, not reached through another package's dependencies.",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "core-is-pure",
      comment:
        "reference-impl/core/ imports nothing outside itself: no drivers, no runtime/, no fs/net. Its bench/ and fuzz/ are tools that drive the core and may do I/O.",
      severity: "error",
      from: {
        path: "^reference-impl/core/",
        pathNot: ["\\.(test|bench)\\.ts$", "^reference-impl/core/(bench|fuzz)/"],
      },
      to: {
        path: "^reference-impl/(runtime|stores|services|stack|client|edge)/",
      },
    },
    {
      name: "core-has-no-drivers",
      comment: "reference-impl/core/ touches no server driver and no file or network module.",
      severity: "error",
      from: {
        path: "^reference-impl/core/",
        pathNot: ["\\.(test|bench)\\.ts$", "^reference-impl/core/(bench|fuzz)/"],
      },
      to: {
        path: [
          "node_modules/(pg|@aws-sdk|kafkajs|ioredis|ws|undici)/",
          "^(node:)?(fs|net|http|https|http2|child_process|dgram|worker_threads)",
        ],
      },
    },
    {
      name: "services-use-ports",
      comment:
        "services (chunk-service, fsck, ...) depend on core/, runtime/ and stores/*/*.port.ts, never on an adapter or a server driver; real adapters arrive through main.ts.",
      severity: "error",
      from: {
        path: "^reference-impl/services/",
        pathNot: ["(/main\\.ts|\\.test\\.ts|\\.bench\\.ts)$", "/bench/"],
      },
      to: {
        path: ["^reference-impl/stores/", "node_modules/(pg|kafkajs|@aws-sdk|ioredis)/"],
        pathNot: "\\.port\\.ts$",
      },
    },
    {
      name: "client-uses-core-and-runtime",
      comment:
        "reference-impl/client/ (the sync client's library) uses core/ and runtime/ only: it talks to the services over the wire, never through their code, the stores or the stack.",
      severity: "error",
      from: { path: "^reference-impl/client/" },
      to: {
        path: [
          "^reference-impl/(services|stores|stack|edge)/",
          "^(cli|scenarios|simulator|reports)/",
        ],
      },
    },
    {
      name: "simulator-has-no-io",
      comment:
        "simulator/ imports only simulator/*, formats/ (the files it reads and writes: pure schemas, no I/O) and the pure core modules it shares with the rest: limits, errors, the one PRNG and Zipf sampler (random.ts) and the design's figures (design-figures.ts). Each of those is itself held pure by core-is-pure and core-has-no-drivers, and formats/ by its own rule (its CLI glue, which reads and writes the files, lives in cli/).",
      severity: "error",
      from: { path: "^simulator/", pathNot: "\\.(test|bench)\\.ts$" },
      to: {
        pathNot:
          "^(simulator/|formats/|reference-impl/core/(limits|errors|random|design-figures)\\.ts$|node_modules/simple-statistics/)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "scenarios-stay-outside-services",
      comment:
        "scenarios/ may use reference-impl/client/, runtime/ and itself, never services or stores internals.",
      severity: "error",
      from: { path: "^scenarios/" },
      to: { path: "^reference-impl/(services|stores)/" },
    },
    {
      name: "formats-import-only-zod-and-core",
      comment:
        "formats/ (the files between the stages) imports only zod, hdr-histogram-js (the one histogram encoding of those files) and reference-impl/core/: every stage can read every file without pulling in another stage. Its tests and the JSON Schema writer (a tool: it writes files) are exempt.",
      severity: "error",
      from: {
        path: "^formats/",
        pathNot: ["\\.test\\.ts$", "^formats/json-schema/generate\\.ts$"],
      },
      to: {
        pathNot: "^(formats/|reference-impl/core/|node_modules/(zod|hdr-histogram-js)/)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "formats-type-imports-stay-in-core",
      comment: "formats/ names no producer's or consumer's type either: its types are its own.",
      severity: "error",
      from: { path: "^formats/", pathNot: "\\.test\\.ts$" },
      to: {
        path: "^(cli|scenarios|simulator|reports|reference-impl/(runtime|client|services|stores|stack|edge))/",
      },
    },
    {
      name: "reports-read-formats-only",
      comment:
        "reports/ reads the versioned files through formats/ and imports nothing else of the project (npm packages are fine).",
      severity: "error",
      from: { path: "^reports/" },
      to: {
        path: "^(bin|cli|docker|reference-impl|scenarios|simulator)/",
      },
    },
    {
      name: "cli-stays-thin",
      comment:
        "cli/ parses flags, calls one function and prints: it reaches the stack through the provider interface (stack/*.ts), never a provider's internals, an adapter or a server driver.",
      severity: "error",
      from: { path: "^cli/", pathNot: ["\\.test\\.ts$", "^cli/bench/"] },
      to: {
        path: [
          "^reference-impl/stores/",
          "^reference-impl/stack/(native|testcontainers)/",
          "node_modules/(pg|kafkajs|@aws-sdk|ioredis|ws|undici|autocannon)/",
          "^(node:)?child_process$",
        ],
      },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
