// Layer rules of STYLE.md section 1, one commented rule per row. Runs inside `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "reference-impl/core/ imports nothing outside itself: no drivers, no runtime/, no fs/net. Its bench/ and fuzz/ are tools that drive the core and may do I/O.",
      severity: "error",
      from: { path: "^reference-impl/core/", pathNot: ["\\.(test|bench)\\.ts$", "^reference-impl/core/(bench|fuzz)/"] },
      to: {
        path: "^reference-impl/(runtime|stores|services|stack|client|edge)/",
      },
    },
    {
      name: "core-has-no-drivers",
      comment: "reference-impl/core/ touches no server driver and no file or network module.",
      severity: "error",
      from: { path: "^reference-impl/core/", pathNot: ["\\.(test|bench)\\.ts$", "^reference-impl/core/(bench|fuzz)/"] },
      to: {
        path: ["node_modules/(pg|@aws-sdk|kafkajs|ioredis|ws|undici)/", "^(node:)?(fs|net|http|https|http2|child_process|dgram|worker_threads)"],
      },
    },
    {
      name: "services-use-ports",
      comment: "services depend on core/, runtime/ and stores/*/*.port.ts; real adapters arrive through main.ts.",
      severity: "error",
      from: { path: "^reference-impl/services/", pathNot: ["(/main\\.ts|\\.test\\.ts|\\.bench\\.ts)$", "/bench/"] },
      to: { path: "^reference-impl/stores/", pathNot: "\\.port\\.ts$" },
    },
    {
      name: "simulator-has-no-io",
      comment: "simulator/ imports only simulator/* and the pure core modules it shares with the rest: limits, errors, the one PRNG and Zipf sampler (random.ts) and the design's figures (design-figures.ts). Each of those is itself held pure by core-is-pure and core-has-no-drivers (its CLI glue lives in cli/).",
      severity: "error",
      from: { path: "^simulator/", pathNot: "\\.(test|bench)\\.ts$" },
      to: {
        pathNot: "^(simulator/|reference-impl/core/(limits|errors|random|design-figures)\\.ts$|node_modules/simple-statistics/)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "scenarios-stay-outside-services",
      comment: "scenarios/ may use the client, runtime/ and itself, never services or stores internals.",
      severity: "error",
      from: { path: "^scenarios/" },
      to: { path: "^reference-impl/(services|stores)/" },
    },
    {
      name: "reports-read-schemas-only",
      comment: "reports/ reads versioned files through their schemas, not producers' internals.",
      severity: "error",
      from: { path: "^reports/" },
      to: { path: "^(reference-impl/(services|stores|stack)|simulator/(core|models))/" },
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
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
