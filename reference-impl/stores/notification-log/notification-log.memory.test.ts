// Runs the NotificationLog contract against the memory adapter.
import { notificationLogContract } from "../contract/notification-log.contract.ts";
import { MemoryNotificationLog } from "./notification-log.memory.ts";

notificationLogContract("memory", async () => new MemoryNotificationLog());
