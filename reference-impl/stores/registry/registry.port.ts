// Registry: where each connected device's WebSocket lives (user -> device -> NotificationService
// pod), so a pod consuming a file_changed event can find the user's devices. Entries expire when a
// pod stops refreshing them, so a crashed pod's devices drop out by themselves.

export interface DeviceLocation {
  readonly deviceId: string;
  readonly podId: string;
}

export interface Registry {
  register(userId: string, deviceId: string, podId: string): Promise<void>;
  /** Removes the entry only if it still names podId (a newer connection elsewhere stays). */
  unregister(userId: string, deviceId: string, podId: string): Promise<boolean>;
  devicesOf(userId: string): Promise<DeviceLocation[]>;
  close(): Promise<void>;
}

export const registryEntryTtlMsDefault = 120_000;
