// SyncStream (Kafka): 64 partitions keyed by user_id and two consumer groups. The
// NotificationService group runs one consumer per partition; the GCWorker group has 15
// workers, each owning the partitions p with p mod 15 = worker (so 4 workers own 5 partitions,
// 11 own 4: the range-assignment skew). Lag is the wait in these queues (Little: lag messages
// = consume rate × lag time).
import type { StationSpec, StepSpec } from "./network.ts";
import type { ArchitectureParameters } from "./design.ts";

export function kafkaStations(p: ArchitectureParameters): StationSpec[] {
  return [
    {
      name: "kafkaNotifyPartition",
      servers: 1,
      members: p.partitionCount,
      keyedBy: "partition",
      service: p.service["kafka.notifyConsume"],
    },
    {
      name: "kafkaGcWorker",
      servers: p.workersPerPod.gcWorker,
      members: p.pods.gcWorker,
      keyedBy: "partition",
      service: p.service["kafka.gcConsume"],
    },
  ];
}

/** From publish to the device: consume, fan out on a NotificationService pod, deliver. */
export function notificationSteps(p: ArchitectureParameters): StepSpec[] {
  return [
    { station: "kafkaNotifyPartition" },
    { station: "notificationService" },
    { delay: p.service["network.push"], name: "networkPush" },
  ];
}

export function gcSteps(_p: ArchitectureParameters): StepSpec[] {
  return [{ station: "kafkaGcWorker" }];
}
