// Which prepared file each delta upload edits: the user by the scenario's Zipf skew over the
// prepared users, then one of that user's files by the same skew. Two seeded streams (users,
// files), so the k-th delta upload of a run names the same (user, file) in every run with that
// seed, and the prepare phase can replay the draws to size each file's chain exactly.
import { Random, ZipfRanks } from "../operations/random.ts";

export interface DeltaTarget {
  /** 0-based popularity rank among the prepared users; the user id is rank + 1. */
  readonly userIndex: number;
  /** 0-based rank among that user's files. */
  readonly fileIndex: number;
}

export interface DeltaPopulation {
  readonly usersCount: number;
  readonly filesPerUserCount: number;
  readonly zipfSkew: number;
  readonly seed: number;
}

export class DeltaTargets {
  private readonly users: ZipfRanks;
  private readonly files: ZipfRanks;
  private readonly userRandom: Random;
  private readonly fileRandom: Random;

  constructor(readonly population: DeltaPopulation) {
    this.users = new ZipfRanks(population.usersCount, population.zipfSkew);
    this.files = new ZipfRanks(population.filesPerUserCount, population.zipfSkew);
    this.userRandom = new Random(population.seed, "delta-users");
    this.fileRandom = new Random(population.seed, "delta-files");
  }

  next(): DeltaTarget {
    return {
      userIndex: this.users.draw(this.userRandom),
      fileIndex: this.files.draw(this.fileRandom),
    };
  }
}

/** Draws per (user, file) over the first `count` delta uploads: counts[userIndex][fileIndex]. */
export function drawnCounts(population: DeltaPopulation, count: number): number[][] {
  const counts = Array.from({ length: population.usersCount }, () =>
    new Array<number>(population.filesPerUserCount).fill(0),
  );
  const targets = new DeltaTargets(population);
  for (let k = 0; k < count; k++) {
    const t = targets.next();
    counts[t.userIndex]![t.fileIndex]!++;
  }
  return counts;
}

/**
 * Edits encoded for a file drawn `drawn` times: the draws plus a quarter (at least one). A busy
 * file's edit waits for it (delta-chains.ts), so the draws are what each file needs; the spare
 * covers edits redirected from a file whose chain the prepare phase's time bound cut short.
 * Files never drawn are not prepared.
 */
export function chainLengthFor(drawn: number): number {
  return drawn + Math.ceil(drawn / 4);
}

/**
 * Files per prepared user: enough that the hottest user's files are each asked for an edit
 * every 2 s on average (a delta upload takes ~0.05-1 s here, and a busy file cannot take a
 * second edit), at least 2, at most the bound.
 */
export function filesPerUserFor(hotUserRatePerS: number, filesPerUserMax: number): number {
  return Math.max(1, Math.min(filesPerUserMax, Math.max(2, Math.ceil(hotUserRatePerS * 2))));
}
