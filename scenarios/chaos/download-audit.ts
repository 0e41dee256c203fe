// Reads every acknowledged version back through the download path, as a device would: the
// version list of its file (GET /v1/files/versions), then GET /v1/files/content for the version
// and each block through its signed URL (the CDN edge), the bytes hashed as they arrive. The
// result is one Observation per acknowledgement, judged by audit.ts.
import { createHash } from "node:crypto";
import { requestWithRetries, codeOf } from "./api-client.ts";
import { ackKey, type Ack, type Observation } from "./audit.ts";

export interface DownloadAuditOptions {
  readonly gatewayUrl: string;
  readonly tokenFor: (userId: string) => string;
  readonly random: () => number;
  readonly concurrency?: number;
}

async function observe(
  ack: Ack,
  listed: Set<number> | string,
  options: DownloadAuditOptions,
): Promise<Observation> {
  if (typeof listed === "string") return { listed: false, error: listed };
  if (!listed.has(ack.version)) return { listed: false };
  const token = options.tokenFor(ack.userId);
  const query = new URLSearchParams({ path: ack.path, version: String(ack.version) });
  const ignore = () => undefined;
  const content = await requestWithRetries(
    { method: "GET", url: `${options.gatewayUrl}/v1/files/content?${query}`, token },
    ignore,
    options.random,
  );
  if (!content || content.status !== 200)
    return { listed: true, error: `content: ${content ? codeOf(content) : "no answer"}` };
  const hash = createHash("sha256");
  for (const block of content.json.blocks as Array<{ url: string }>) {
    const got = await requestWithRetries(
      { method: "GET", url: block.url, wantBytes: true },
      ignore,
      options.random,
    );
    if (!got?.bytes || got.status !== 200)
      return { listed: true, error: `block: ${got ? codeOf(got) : "no answer"}` };
    hash.update(got.bytes);
  }
  return { listed: true, downloadedSha256: hash.digest("hex") };
}

/** Versions listed per user and path: a set of version numbers, or why the listing failed. */
async function listedVersions(
  userId: string,
  path: string,
  options: DownloadAuditOptions,
): Promise<Set<number> | string> {
  const query = new URLSearchParams({ path, limit: "1000" });
  const answer = await requestWithRetries(
    {
      method: "GET",
      url: `${options.gatewayUrl}/v1/files/versions?${query}`,
      token: options.tokenFor(userId),
    },
    () => undefined,
    options.random,
  );
  if (!answer || answer.status !== 200) return `versions: ${answer ? codeOf(answer) : "no answer"}`;
  return new Set((answer.json.versions as Array<{ version: number }>).map((v) => v.version));
}

export async function observeAcks(
  acks: readonly Ack[],
  options: DownloadAuditOptions,
): Promise<Map<string, Observation>> {
  const files = new Map<string, Promise<Set<number> | string>>();
  const listing = (ack: Ack) => {
    const key = `${ack.userId}\u0000${ack.path}`;
    let entry = files.get(key);
    if (!entry) files.set(key, (entry = listedVersions(ack.userId, ack.path, options)));
    return entry;
  };
  const observations = new Map<string, Observation>();
  const queue = [...acks];
  const worker = async () => {
    for (let ack = queue.shift(); ack; ack = queue.shift())
      observations.set(ackKey(ack), await observe(ack, await listing(ack), options));
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return observations;
}
