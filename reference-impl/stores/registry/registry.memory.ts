// Registry in memory, for unit tests; expiry is left to the Redis adapter (tests use a Clock there).
import type { DeviceLocation, Registry } from "./registry.port.ts";

export class MemoryRegistry implements Registry {
  private readonly users = new Map<string, Map<string, string>>();

  async register(userId: string, deviceId: string, podId: string): Promise<void> {
    const devices = this.users.get(userId) ?? new Map<string, string>();
    devices.set(deviceId, podId);
    this.users.set(userId, devices);
  }
  async unregister(userId: string, deviceId: string, podId: string): Promise<boolean> {
    const devices = this.users.get(userId);
    if (devices?.get(deviceId) !== podId) return false;
    devices.delete(deviceId);
    if (devices.size === 0) this.users.delete(userId);
    return true;
  }
  async devicesOf(userId: string): Promise<DeviceLocation[]> {
    return [...(this.users.get(userId) ?? new Map<string, string>())]
      .map(([deviceId, podId]) => ({ deviceId, podId }))
      .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  }
  async close(): Promise<void> {}
}
