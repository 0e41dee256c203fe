// The DownloadService's use cases: a version's block list with a URL per block, a keyset-paged
// listing and a file's version history. Every read goes through the user's own rows (the user
// comes from the JWT), so a block URL is issued only for a block that a version the user can
// read references; a version the GcWorker expired is gone from those rows and is a 404.
import { SyncbenchError } from "../../core/errors.ts";
import {
  listPageRowsMax,
  versionListRowsMax,
  type VersionRecord,
} from "../../stores/metadata-db/metadata-db.port.ts";
import { blockUrlQuery } from "./block-url.ts";
import type { DownloadServicePorts, DownloadServiceSettings } from "./ports.ts";

export interface BlockEntry {
  readonly hash: string;
  readonly sizeBytes: number;
  readonly offsetBytes: number;
  readonly url: string;
}

export interface FileContent {
  readonly path: string;
  readonly version: number;
  readonly sizeBytes: number;
  readonly via: "cdn" | "s3";
  readonly urlsExpireAtS: number;
  readonly blocks: readonly BlockEntry[];
}

export async function fileContent(
  ports: DownloadServicePorts,
  settings: DownloadServiceSettings,
  userId: string,
  request: { path: string; version?: number | undefined; via?: "cdn" | "s3" | undefined },
): Promise<FileContent> {
  const version = await readableVersion(ports, userId, request.path, request.version);
  const via = request.via ?? (settings.cdnBaseUrl === undefined ? "s3" : "cdn");
  const { presigner } = ports;
  if (via === "s3" && !presigner) {
    throw new SyncbenchError(
      "VIA_UNAVAILABLE",
      "this DownloadService has no S3 presigner; ask without via=s3",
    );
  }
  const distinct = [...new Set(version.blockHashes)];
  const sizes =
    distinct.length === 0 ? new Map<string, number>() : await ports.metadataDb.blockSizes(distinct);
  const urlsExpireAtS = Math.floor(ports.clock.nowMs() / 1000) + settings.blockUrlTtlS;
  const urls = new Map<string, string>();
  for (const hash of distinct) {
    urls.set(
      hash,
      via === "s3" && presigner
        ? await presigner.presignGet(hash, settings.blockUrlTtlS)
        : `${settings.cdnBaseUrl}/v1/blocks/${hash}?${blockUrlQuery(settings.blockUrlKey, { hash, userId, expiresAtS: urlsExpireAtS })}`,
    );
  }
  let offsetBytes = 0;
  const blocks = version.blockHashes.map((hash) => {
    const sizeBytes = sizes.get(hash);
    if (sizeBytes === undefined) {
      throw new SyncbenchError(
        "BLOCK_RECORD_MISSING",
        `version ${version.version} of ${request.path} names block ` +
          `${hash} that the blocks table does not hold; nothing was served`,
        { hint: "run npx syncbench fsck" },
      );
    }
    const entry = { hash, sizeBytes, offsetBytes, url: urls.get(hash) as string };
    offsetBytes += sizeBytes;
    return entry;
  });
  return {
    path: request.path,
    version: version.version,
    sizeBytes: version.sizeBytes,
    via,
    urlsExpireAtS,
    blocks,
  };
}

async function readableVersion(
  ports: DownloadServicePorts,
  userId: string,
  path: string,
  version: number | undefined,
): Promise<VersionRecord> {
  const found =
    version === undefined
      ? (await ports.metadataDb.listVersions(userId, path, 1))[0]
      : await ports.metadataDb.getVersion(userId, path, version);
  if (!found) {
    throw new SyncbenchError(
      "NOT_FOUND",
      version === undefined
        ? `no file ${path}`
        : `no version ${version} of ${path} (never committed, or expired)`,
    );
  }
  if (found.changeType === "delete") {
    throw new SyncbenchError(
      "FILE_DELETED",
      `${path} was deleted at version ${found.version}; ask for an earlier version`,
    );
  }
  return found;
}

/** Cursors are opaque: the last path of the page, versioned so the format may change. */
const cursorTag = "p1:";

export function encodeCursor(afterPath: string): string {
  return Buffer.from(`${cursorTag}${afterPath}`).toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[A-Za-z0-9_-]*$/.test(cursor) || !text.startsWith(cursorTag) || text.includes("\u0000")) {
    throw new SyncbenchError(
      "CURSOR_INVALID",
      `cursor ${JSON.stringify(cursor.slice(0, 40))} was not issued by this API`,
      { hint: "pass nextCursor from the previous page unchanged, or omit it for the first page" },
    );
  }
  return text.slice(cursorTag.length);
}

export async function listFiles(
  ports: DownloadServicePorts,
  userId: string,
  request: { prefix?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
) {
  const afterPath = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  const page = await ports.metadataDb.listFiles(userId, {
    limit: request.limit ?? listPageRowsMax,
    ...(afterPath === undefined ? {} : { afterPath }),
    ...(request.prefix === undefined ? {} : { prefix: request.prefix }),
  });
  return {
    files: page.files.map((f) => ({
      path: f.path,
      version: f.version,
      sizeBytes: f.sizeBytes,
      deleted: f.deleted,
      updatedAtMs: f.updatedAtMs,
    })),
    nextCursor: page.nextAfterPath === undefined ? null : encodeCursor(page.nextAfterPath),
  };
}

export async function listVersions(
  ports: DownloadServicePorts,
  userId: string,
  request: { path: string; limit?: number | undefined },
) {
  const versions = await ports.metadataDb.listVersions(
    userId,
    request.path,
    request.limit ?? versionListRowsMax,
  );
  if (versions.length === 0) throw new SyncbenchError("NOT_FOUND", `no file ${request.path}`);
  return {
    path: request.path,
    versions: versions.map((v) => ({
      version: v.version,
      sizeBytes: v.sizeBytes,
      changeType: v.changeType,
      blockCount: v.blockHashes.length,
      createdAtMs: v.createdAtMs,
    })),
  };
}
