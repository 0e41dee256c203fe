// The vocabulary of part names that measured runs and calibration.json use: a "part" is a named
// stage whose service time is measured and fitted. Four families, and nothing else:
//   the simulator's model parts (simulator/models/design.ts uses this list as its own), which
//     `simulate <experiment> --calibration` replaces by name;
//   parts the ChunkServices time themselves (GET /internal/timings, reference-impl/runtime/
//     part-timings.ts) that the model has no place for: s3.head, chunkService.deltaApply;
//   the driver's send lag, generator.sendLag, in front of every operation of a results file;
//   "<operation>.clientServiceTime", one per operation of the same file (from the actual send).
// A name outside them is a typo or a file from elsewhere, refused on read with the list.

export const modelPartNames = [
  "apiGateway",
  "loadBalancer",
  "chunkService.cpu",
  "chunkService.verify",
  "s3.read",
  "s3.write",
  "metadataDb.query",
  "metadataDb.commit",
  "metadataDb.listPage",
  "downloadService.resolve",
  "cdn.edge",
  "cdn.origin",
  "kafka.publish",
  "kafka.notifyConsume",
  "kafka.gcConsume",
  "notificationService.push",
  "network.push",
] as const;
export type ModelPartName = (typeof modelPartNames)[number];

/**
 * Timed by the services, no part of the model (the delta apply is inside chunkService.cpu), and
 * the queues inside each service process (reference-impl/runtime/queue-monitor.ts).
 */
export const serverOnlyPartNames = [
  "s3.head",
  "chunkService.deltaApply",
  "process.eventLoopDelay",
  "process.threadPoolDelay",
  "process.gcPause",
] as const;

/** The driver's lag from the intended send time to the actual send (a pure delay). */
export const sendLagPart = "generator.sendLag";

/** The ChunkServices' CPU per delta upload (the utilisation law), a model part. */
export const cpuPerDeltaPart: ModelPartName = "chunkService.cpu";

const clientServiceTimeSuffix = ".clientServiceTime";

/** The pure-delay part of one operation, from the actual send to the end of its last step. */
export function clientServiceTimePart(operation: string): string {
  return `${operation}${clientServiceTimeSuffix}`;
}

const fixedNames: ReadonlySet<string> = new Set([
  ...modelPartNames,
  ...serverOnlyPartNames,
  sendLagPart,
]);

export function isModelPartName(name: string): name is ModelPartName {
  return (modelPartNames as readonly string[]).includes(name);
}

/**
 * Why `name` is no known part name, or undefined when it is one. `operations` are the operation
 * names of the same file: "<operation>.clientServiceTime" is known for them alone.
 */
export function unknownPartProblem(
  name: string,
  operations: readonly string[],
): string | undefined {
  if (fixedNames.has(name)) return undefined;
  if (name.endsWith(clientServiceTimeSuffix)) {
    const operation = name.slice(0, -clientServiceTimeSuffix.length);
    if (operations.includes(operation)) return undefined;
    return (
      `unknown part "${name}": "${operation}" is no operation of this file ` +
      `(operations: ${operations.join(", ") || "none"})`
    );
  }
  return (
    `unknown part "${name}": expected a model part (${modelPartNames.join(", ")}), ` +
    `${serverOnlyPartNames.join(", ")}, ${sendLagPart} or "<operation>${clientServiceTimeSuffix}"`
  );
}
