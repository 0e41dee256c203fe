// The files a run downloads and lists on the real stack, and the operations that read them. The
// prepare phase (download-prepare.ts) commits, for each of the scenario's first usersCount Zipf
// users, one one-block file per shared block (the sharedCount most popular of the scenario's
// blocksCount: the same bytes for every user, so one user's fetch warms the CDN edge for all) and
// privatePerUser files of the user's own. A download draws its user (Zipf over the prepared
// users), then shared (the scenario's sharedFraction; rank by the download Zipf) or private
// (uniform), asks GET /v1/files/content for the file's block list and fetches every block on its
// signed URL, at the CDN edge's origin. A listing walks GET /v1/files pages of the user's folder.
import { createCipheriv, createHash } from "node:crypto";
import { scenarioLimits, type Scenario } from "../scenario.ts";
import type { Random } from "../operations/random.ts";
import { ZipfRanks } from "../operations/random.ts";
import type { Step } from "../operations/routes.ts";

/** The prepared population: who holds which files, under which folder. */
export interface DownloadLayout {
  /** Users 1..usersCount hold files (the Zipf ranks 0..usersCount-1). */
  readonly usersCount: number;
  /** Shared blocks (popularity ranks 0..sharedCount-1), each a one-block file of every user. */
  readonly sharedCount: number;
  readonly privatePerUser: number;
  /** Folder of every prepared file: `${root}/u-${userId}/`. */
  readonly root: string;
  /** Salts the private blocks' bytes: each run's private content is new to the edge. */
  readonly privateSalt: string;
}

export const userFolder = (layout: DownloadLayout, userId: number): string =>
  `${layout.root}/u-${userId}/`;
export const sharedPath = (layout: DownloadLayout, userId: number, rank: number): string =>
  `${userFolder(layout, userId)}shared-${rank}.bin`;
export const privatePath = (layout: DownloadLayout, userId: number, index: number): string =>
  `${userFolder(layout, userId)}own-${index}.bin`;

/** A 4 MiB block of seeded bytes (AES-CTR keyed by the label: fast, and distinct per label). */
function seededBlock(label: string): Uint8Array {
  const key = createHash("sha256").update(`syncbench-download:${label}`).digest();
  const cipher = createCipheriv("aes-128-ctr", key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(new Uint8Array(scenarioLimits.blockSizeBytes));
}

/** Shared block `rank` of a seed: the same bytes in every run of the seed (a warm edge keeps it). */
export const sharedBlock = (seed: number, rank: number): Uint8Array =>
  seededBlock(`shared:${seed}:${rank}`);

export const privateBlock = (layout: DownloadLayout, userId: number, index: number): Uint8Array =>
  seededBlock(`private:${layout.privateSalt}:${userId}:${index}`);

/** Pages a listing follows before it ends (each page at most the scenario's pageSize rows). */
export const listPagesMax = 16;
/** Blocks of a block list the driver fetches (a larger answer fails: RESPONSE_UNUSABLE); a 4 GiB
 * file has 1,024. */
export const fetchedBlocksMax = 1_024;

interface BlockListAnswer {
  readonly blocks?: readonly { readonly url?: unknown }[];
}

/** The block fetches of a GET /v1/files/content answer, each on its signed URL's own origin. */
export function blockSteps(kept: Uint8Array): Step[] {
  const answer = JSON.parse(Buffer.from(kept).toString("utf8")) as BlockListAnswer;
  const blocks = answer.blocks;
  if (!Array.isArray(blocks) || blocks.length > fetchedBlocksMax) {
    throw new Error(`a block list of 0..${fetchedBlocksMax} blocks was expected`);
  }
  return blocks.map((b) => {
    if (typeof b.url !== "string") throw new Error("a block without a url");
    const url = new URL(b.url);
    return {
      route: "blockGet",
      method: "GET",
      path: url.pathname + url.search,
      headers: {},
      origin: url.origin,
    };
  });
}

/** A listing page, and the next page's request while the answer names a cursor. */
export function listSteps(first: Step, prefix: string, pageSize: number, page = 1): Step {
  const query = `?prefix=${encodeURIComponent(prefix)}&limit=${pageSize}`;
  return {
    ...first,
    keepResponse: true,
    then: (kept) => {
      const { nextCursor } = JSON.parse(Buffer.from(kept).toString("utf8")) as {
        nextCursor?: unknown;
      };
      if (typeof nextCursor !== "string" || page >= listPagesMax) return [];
      const next = { ...first, path: `${first.path.split("?")[0]}${query}&cursor=${nextCursor}` };
      return [listSteps(next, prefix, pageSize, page + 1)];
    },
  };
}

/** Which prepared file a download reads and which folder a listing walks: seeded draws. */
export class DownloadDraws {
  private readonly users: ZipfRanks;
  private readonly shared: ZipfRanks;

  constructor(
    private readonly scenario: Scenario,
    readonly layout: DownloadLayout,
  ) {
    this.users = new ZipfRanks(layout.usersCount, scenario.users.zipfSkew);
    this.shared = new ZipfRanks(layout.sharedCount, scenario.download?.zipfSkew ?? 0);
  }

  /** A user (1-based id) and the path of the file they download. */
  download(r: Random): { userId: number; path: string } {
    const userId = this.users.draw(r) + 1;
    const isShared =
      this.layout.privatePerUser === 0 || r.next() < (this.scenario.download?.sharedFraction ?? 0);
    const path = isShared
      ? sharedPath(this.layout, userId, this.shared.draw(r))
      : privatePath(this.layout, userId, r.int(this.layout.privatePerUser));
    return { userId, path };
  }

  /** A user and the folder they list. */
  listing(r: Random): { userId: number; prefix: string } {
    const userId = this.users.draw(r) + 1;
    return { userId, prefix: userFolder(this.layout, userId) };
  }
}
