// Runs the NotificationLog contract against the stack's real Redis under a key prefix unique to this run.
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { notificationLogContract } from "../contract/notification-log.contract.ts";
import { runId } from "../contract/contract-helpers.ts";
import { RedisNotificationLog } from "./notification-log.redis.ts";

const { redisUrl } = stackEndpoints();
notificationLogContract(
  "redis",
  async () => new RedisNotificationLog({ url: redisUrl, keyPrefix: `contract-${runId}:` }),
);
