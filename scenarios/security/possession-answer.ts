// The client's side of the possession proof (design/decisions/0003-possession-proof.md), as a
// legitimate holder computes it: SHA-256(nonce || whole block). The probe needs it to make a valid
// proof that an attacker then replays.
import { createHash } from "node:crypto";

export function answerChallenge(block: Uint8Array, nonceHex: string): string {
  return createHash("sha256").update(Buffer.from(nonceHex, "hex")).update(block).digest("hex");
}
