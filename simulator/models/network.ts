// A generic open network of request classes over stations, the engine every architecture model
// compiles to. A class arrives as Poisson (or is spawned by another class), walks a fixed list
// of steps: visit a station (a pool of c servers, or one member of a group of 64 shards or
// partitions chosen by the request's user), wait a pure delay (S3, network), or spawn a child
// request (a finalize publishing file_changed). Per-request state lives in IdPool columns.
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { Environment } from "../core/environment.ts";
import { Histogram } from "../core/histogram.ts";
import { IdPool } from "../core/id-pool.ts";
import { hashName, mix32, Rng, ZipfSampler } from "../../reference-impl/core/random.ts";
import { Station } from "../core/resource.ts";
import { makeSampler, moments, type Sampler, type VariateSpec } from "../core/variates.ts";

export interface StationSpec {
  readonly name: string;
  /** Servers per member (pods × workers per pod for a pool; connections for a shard). */
  readonly servers: number;
  readonly service: VariateSpec;
  /** Members in the group (64 shards); a request visits member hash(user) mod 64. */
  readonly members?: number;
  /** Members are keyed by partition: member = partition(user) mod members (15 GC workers). */
  readonly keyedBy?: "user" | "partition";
}

export type StepSpec =
  | { readonly station: string }
  | { readonly delay: VariateSpec; readonly probability?: number; readonly name: string }
  | { readonly spawn: string };

export interface ClassSpec {
  readonly name: string;
  /** Poisson arrival rate; 0 for classes only spawned by others. */
  readonly ratePerS: number;
  readonly steps: readonly StepSpec[];
}

export interface NetworkSpec {
  readonly stations: readonly StationSpec[];
  readonly classes: readonly ClassSpec[];
  readonly users: { readonly count: number; readonly zipfSkew: number };
  readonly partitionCount: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly seed: number;
}

export interface StationReport {
  readonly name: string;
  readonly members: number;
  readonly servers: number;
  readonly utilisationMean: number;
  readonly utilisationMax: number;
  readonly waitP99S: number;
  /** Time-average number in system of the busiest member (Kafka: lag in messages). */
  readonly numberInSystemMax: number;
  /**
   * Offered load of the busiest member over the measured window, counted at the source: the
   * visits to it of the requests that arrived in the window (and of the requests they spawn)
   * per second, times the mean service time, over its servers. ≥ 1 means no steady state. A
   * saturated station upstream throttles what reaches this one, not what is offered to it.
   */
  readonly offeredRhoMax: number;
  /** Requests waiting in the queue (all members) at the window's middle and at its end. */
  readonly queueLengthAtMid: number;
  readonly queueLengthAtEnd: number;
  /** Mean queue wait (s) of the window's first and second halves, all members pooled. */
  readonly waitMeanHalvesS: readonly [number, number];
}

/** Mean latency (s) of the requests that started in each half of the measured window. */
export interface Halves {
  readonly first: number;
  readonly second: number;
}

export interface NetworkResult {
  readonly latency: ReadonlyMap<string, Histogram>;
  readonly stations: readonly StationReport[];
  readonly memberUtilisation: ReadonlyMap<string, Float64Array>;
  readonly little: { readonly numberInSystem: number; readonly lambdaW: number };
  readonly events: number;
  readonly unfinished: number;
  readonly latencyHalves: ReadonlyMap<string, Halves>;
  /**
   * The stations a class's figure rests on: those it visits and those of the classes upstream
   * that spawn it (a saturated upstream station throttles its arrivals), not its children's.
   */
  readonly classStations: ReadonlyMap<string, readonly string[]>;
}

/** Spawned classes nest at most this deep (a request spawning one that spawns one…). */
const spawnDepthMax = 8;

type CompiledStep =
  | { kind: 0; group: Station[]; base: number; keyedByPartition: boolean }
  | { kind: 1; sample: Sampler; probability: number }
  | { kind: 2; classIndex: number };

/** The per-user key of a shard or partition: a fixed hash of the user id, as the design's router. */
export function userShard(userId: number, members: number): number {
  return mix32(userId ^ 0x5bd1e995) % members;
}
export function userPartition(userId: number, partitionCount: number): number {
  return mix32(userId ^ hashName("partition")) % partitionCount;
}

export function simulateNetwork(spec: NetworkSpec): NetworkResult {
  return new NetworkRun(spec).run();
}

class NetworkRun {
  private readonly env = new Environment();
  private readonly pool = new IdPool();
  private readonly rng: Rng;
  private readonly groups = new Map<string, Station[]>();
  private readonly groupBase = new Map<string, number>();
  private readonly steps: CompiledStep[][];
  private readonly latency: Histogram[];
  private stationOf = new Int32Array(1024);
  private readonly allStations: Station[] = [];
  private readonly doneKind: number;
  private readonly delayKind: number;
  private readonly zipf: ZipfSampler;
  private area = 0;
  private lastChange = 0;
  private finished = 0;
  private sojournSum = 0;
  private readonly halfSums: Float64Array;
  private readonly halfCounts: Float64Array;
  private waitsAtMid = new Map<Station, { count: number; sum: number }>();
  private queueAtMid = new Map<Station, number>();
  /** Per station member: visits offered by the window's external arrivals (offeredRhoMax). */
  private readonly offeredVisits: Float64Array;
  /** Per class: the station steps it and the classes it spawns make, in order. */
  private readonly visitPlans: Array<
    Array<{ base: number; members: number; byPartition: boolean }>
  >;

  constructor(private readonly spec: NetworkSpec) {
    this.rng = new Rng(spec.seed);
    this.zipf = new ZipfSampler(spec.users.count, spec.users.zipfSkew, this.rng.fork("users"));
    this.doneKind = this.env.register("station.done", (id) =>
      this.allStations[this.stationOf[id]!]!.complete(id),
    );
    this.delayKind = this.env.register("delay.done", (id) => this.advance(id));
    spec.stations.forEach((s) => this.groups.set(s.name, this.makeGroup(s)));
    this.steps = spec.classes.map((c) => c.steps.map((step) => this.compileStep(c.name, step)));
    this.latency = spec.classes.map(() => new Histogram());
    this.halfSums = new Float64Array(spec.classes.length * 2);
    this.halfCounts = new Float64Array(spec.classes.length * 2);
    this.offeredVisits = new Float64Array(this.allStations.length);
    this.visitPlans = spec.classes.map((_, i) => this.visitPlan(i, 0));
  }

  /** The station visits a request of class i makes, its spawned requests' included. */
  private visitPlan(
    classIndex: number,
    depth: number,
  ): Array<{ base: number; members: number; byPartition: boolean }> {
    if (depth > spawnDepthMax)
      throw new SyncbenchError(
        "SIM_MODEL_INVALID",
        `class ${this.spec.classes[classIndex]!.name}: spawns nest deeper than ${spawnDepthMax} (a cycle?)`,
      );
    return this.steps[classIndex]!.flatMap((step) =>
      step.kind === 0
        ? [{ base: step.base, members: step.group.length, byPartition: step.keyedByPartition }]
        : step.kind === 2
          ? this.visitPlan(step.classIndex, depth + 1)
          : [],
    );
  }

  /** Counts the visits an external arrival of class i by `user` offers (offeredRhoMax). */
  private offer(classIndex: number, user: number): void {
    const now = this.env.now;
    if (now < this.spec.warmupS || now > this.spec.durationS) return;
    for (const v of this.visitPlans[classIndex]!) {
      const key =
        v.members === 1
          ? 0
          : v.byPartition
            ? userPartition(user, this.spec.partitionCount) % v.members
            : userShard(user, v.members);
      this.offeredVisits[v.base + key]!++;
    }
  }

  private makeGroup(s: StationSpec): Station[] {
    const members = s.members ?? 1;
    this.groupBase.set(s.name, this.allStations.length);
    return Array.from({ length: members }, (_, m) => {
      const sample = makeSampler(s.service, this.rng.fork(`service.${s.name}.${m}`));
      const station = new Station(this.env, {
        name: `${s.name}[${m}]`,
        servers: s.servers,
        serviceS: sample,
        sharedDoneKind: this.doneKind,
      });
      station.onDone = (id) => this.advance(id);
      this.allStations.push(station);
      return station;
    });
  }

  private compileStep(className: string, step: StepSpec): CompiledStep {
    if ("station" in step) {
      const group = this.groups.get(step.station);
      if (!group)
        throw new SyncbenchError(
          "SIM_MODEL_INVALID",
          `class ${className}: unknown station "${step.station}"`,
        );
      const keyed =
        this.spec.stations.find((s) => s.name === step.station)?.keyedBy === "partition";
      return { kind: 0, group, base: this.groupBase.get(step.station)!, keyedByPartition: keyed };
    }
    if ("delay" in step) {
      return {
        kind: 1,
        sample: makeSampler(step.delay, this.rng.fork(`delay.${className}.${step.name}`)),
        probability: step.probability ?? 1,
      };
    }
    const classIndex = this.spec.classes.findIndex((c) => c.name === step.spawn);
    if (classIndex < 0)
      throw new SyncbenchError(
        "SIM_MODEL_INVALID",
        `class ${className}: unknown spawn "${step.spawn}"`,
      );
    return { kind: 2, classIndex };
  }

  run(): NetworkResult {
    this.spec.classes.forEach((c, i) => this.startArrivals(c, i));
    this.env.run(this.spec.warmupS);
    this.allStations.forEach((s) => s.resetStats());
    this.env.run(this.midS());
    this.waitsAtMid = new Map(
      this.allStations.map((s) => [s, { count: s.waits.count, sum: s.waits.sum }]),
    );
    this.queueAtMid = new Map(this.allStations.map((s) => [s, s.queueLength]));
    this.env.run(this.spec.durationS);
    const stationReports = this.reportStations();
    const memberUtilisation = new Map(
      this.spec.stations.map((s) => [
        s.name,
        Float64Array.from(this.groups.get(s.name)!, (st) => st.averages().utilisation),
      ]),
    );
    this.env.run(this.spec.durationS * 4 + 60); // drain, bounded so an overloaded run ends
    this.touch();
    const horizon = this.env.now;
    return {
      latency: new Map(this.spec.classes.map((c, i) => [c.name, this.latency[i]!])),
      stations: stationReports,
      memberUtilisation,
      little: { numberInSystem: this.area / horizon, lambdaW: this.sojournSum / horizon },
      events: this.env.eventCount,
      unfinished: this.pool.inUse,
      latencyHalves: new Map(
        this.spec.classes.map((c, i) => [
          c.name,
          {
            first: this.halfSums[2 * i]! / this.halfCounts[2 * i]!,
            second: this.halfSums[2 * i + 1]! / this.halfCounts[2 * i + 1]!,
          },
        ]),
      ),
      classStations: this.classStations(),
    };
  }

  /** Each class's own stations, then those of every class upstream that spawns it. */
  private classStations(): Map<string, readonly string[]> {
    const own = new Map(
      this.spec.classes.map((c) => [
        c.name,
        c.steps.flatMap((step) => ("station" in step ? [step.station] : [])),
      ]),
    );
    const parents = new Map<string, string[]>();
    for (const c of this.spec.classes)
      for (const step of c.steps)
        if ("spawn" in step) parents.set(step.spawn, [...(parents.get(step.spawn) ?? []), c.name]);
    const upstream = (name: string, depth: number): string[] =>
      depth > spawnDepthMax
        ? []
        : (parents.get(name) ?? []).flatMap((p) => [...own.get(p)!, ...upstream(p, depth + 1)]);
    return new Map(
      this.spec.classes.map((c) => [
        c.name,
        [...new Set([...own.get(c.name)!, ...upstream(c.name, 0)])],
      ]),
    );
  }

  private midS(): number {
    return (this.spec.warmupS + this.spec.durationS) / 2;
  }

  private startArrivals(c: ClassSpec, classIndex: number): void {
    if (c.ratePerS <= 0) return;
    const arrivals = this.rng.fork(`arrivals.${c.name}`);
    const mean = 1 / c.ratePerS;
    const kind = this.env.register(`arrival.${c.name}`, () => {
      const user = this.zipf.sample() - 1;
      this.offer(classIndex, user);
      this.begin(classIndex, user);
      const next = -Math.log(arrivals.uniform()) * mean;
      if (this.env.now + next <= this.spec.durationS) this.env.schedule(next, kind, 0);
    });
    this.env.schedule(-Math.log(arrivals.uniform()) * mean, kind, 0);
  }

  private begin(classIndex: number, userId: number): void {
    this.touch();
    const id = this.pool.acquire();
    if (id >= this.stationOf.length) {
      const grown = new Int32Array(this.stationOf.length * 2);
      grown.set(this.stationOf);
      this.stationOf = grown;
    }
    this.pool.startS[id] = this.env.now;
    this.pool.classIndex[id] = classIndex;
    this.pool.step[id] = 0;
    this.pool.tag[id] = userId;
    this.execute(id);
  }

  /** The request finished its current step: run the next one. */
  private advance(id: number): void {
    this.pool.step[id]!++;
    this.execute(id);
  }

  private execute(id: number): void {
    const pool = this.pool;
    const steps = this.steps[pool.classIndex[id]!]!;
    for (;;) {
      const step = steps[pool.step[id]!];
      if (step === undefined) return this.finish(id);
      if (step.kind === 0) return this.visit(id, step);
      if (step.kind === 1 && (step.probability >= 1 || this.rng.uniform() < step.probability)) {
        return this.env.schedule(step.sample(), this.delayKind, id);
      }
      if (step.kind === 2) this.begin(step.classIndex, pool.tag[id]!);
      pool.step[id]!++;
    }
  }

  private visit(
    id: number,
    step: { group: Station[]; base: number; keyedByPartition: boolean },
  ): void {
    const user = this.pool.tag[id]!,
      members = step.group.length;
    const key =
      members === 1
        ? 0
        : step.keyedByPartition
          ? userPartition(user, this.spec.partitionCount) % members
          : userShard(user, members);
    this.stationOf[id] = step.base + key;
    step.group[key]!.arrive(id);
  }

  private finish(id: number): void {
    this.touch();
    const pool = this.pool,
      t = this.env.now - pool.startS[id]!;
    this.finished++;
    this.sojournSum += t;
    const start = pool.startS[id]!;
    if (start >= this.spec.warmupS && start <= this.spec.durationS) {
      const c = pool.classIndex[id]!;
      this.latency[c]!.record(t);
      const half = 2 * c + (start < this.midS() ? 0 : 1);
      this.halfSums[half]! += t;
      this.halfCounts[half]!++;
    }
    pool.release(id);
  }

  private touch(): void {
    this.area += (this.env.now - this.lastChange) * this.pool.inUse;
    this.lastChange = this.env.now;
  }

  private reportStations(): StationReport[] {
    return this.spec.stations.map((s) => {
      const group = this.groups.get(s.name)!;
      const u = group.map((st) => st.averages().utilisation);
      const waits = new Histogram();
      group.forEach((st) => waits.merge(st.waits));
      const windowS = this.spec.durationS - this.spec.warmupS;
      const meanS = moments(s.service).mean;
      const base = this.groupBase.get(s.name)!;
      const offered = group.map(
        (_, m) => ((this.offeredVisits[base + m]! / windowS) * meanS) / s.servers,
      );
      let firstCount = 0,
        firstSum = 0;
      for (const st of group) {
        const mid = this.waitsAtMid.get(st)!;
        firstCount += mid.count;
        firstSum += mid.sum;
      }
      const halves: [number, number] = [
        firstCount > 0 ? firstSum / firstCount : 0,
        waits.count > firstCount ? (waits.sum - firstSum) / (waits.count - firstCount) : 0,
      ];
      return {
        name: s.name,
        members: group.length,
        servers: s.servers,
        utilisationMean: u.reduce((a, b) => a + b, 0) / u.length,
        utilisationMax: Math.max(...u),
        waitP99S: waits.quantile(0.99),
        numberInSystemMax: Math.max(...group.map((st) => st.averages().numberInSystem)),
        offeredRhoMax: Math.max(...offered),
        waitMeanHalvesS: halves,
        queueLengthAtMid: group.reduce((sum, st) => sum + this.queueAtMid.get(st)!, 0),
        queueLengthAtEnd: group.reduce((sum, st) => sum + st.queueLength, 0),
      };
    });
  }
}
