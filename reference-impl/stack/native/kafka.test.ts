// The KRaft cluster id never starts with "-", which kafka-storage's parser would read as an option.
import { describe, expect, it } from "vitest";
import { kafkaClusterId } from "./kafka.ts";

describe("kafkaClusterId", () => {
  it("draws again while the id starts with '-', and is 22 URL-safe base64 characters", () => {
    // 0xf8 encodes to "-" as the first base64url character; the second draw does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    let calls = 0;
    const id = kafkaClusterId(() => draws[calls++]!);
    expect(calls).toBe(2);
    expect(Buffer.alloc(16, 0xf8).toString("base64url").startsWith("-")).toBe(true);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
