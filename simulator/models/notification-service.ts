// NotificationService pods: CPU for fan-out (pushing one file_changed to the user's 2-3
// devices) and memory per connection (C19: ~2 KB). Connections themselves generate no events;
// the population model (population.ts) carries their counts per pod.
import { memoryBytesPerConnection } from "../../reference-impl/core/design-figures.ts";
import type { StationSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";

export function notificationStations(p: ArchitectureParameters): StationSpec[] {
  return [
    {
      name: "notificationService",
      servers: p.pods.notificationService * p.workersPerPod.notificationService,
      service: p.service["notificationService.push"],
    },
  ];
}

/** Memory per pod for a given number of connections (C19: 5M × 2 KB = 10 GB). */
export function podMemoryBytes(connections: number): number {
  return connections * memoryBytesPerConnection;
}
