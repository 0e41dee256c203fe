// Textbook queueing systems built on the core, the ones the oracle tests and the bench check
// against closed forms and SimPy: M/G/c (FIFO, optional loss), and an open network with
// Markov routing (Jackson). Each run starts and ends empty (arrivals stop after `customers`,
// then the system drains), so Little's law L = λW holds as a sample-path identity.
import { Environment } from "../core/environment.ts";
import { Histogram } from "../core/histogram.ts";
import { IdPool } from "../core/id-pool.ts";
import { Rng } from "../../reference-impl/core/random.ts";
import { Station } from "../core/resource.ts";
import { makeSampler, type VariateSpec } from "../core/variates.ts";

export interface MgcOptions {
  readonly arrivalRatePerS: number;
  readonly service: VariateSpec;
  readonly servers: number;
  readonly customers: number;
  /** Fraction of the first customers excluded from the statistics (warm-up). */
  readonly warmupFraction?: number;
  readonly queueMax?: number;
  readonly seed: number;
}

export interface MgcResult {
  readonly sojourn: Histogram;
  readonly wait: Histogram;
  readonly blocked: number;
  readonly offered: number;
  readonly events: number;
  /** Little's law over the whole run: time-average number in system and λ·W. */
  readonly little: { readonly numberInSystem: number; readonly lambdaW: number };
  readonly utilisation: number;
}

export function simulateMgc(options: MgcOptions): MgcResult {
  const env = new Environment();
  const rng = new Rng(options.seed);
  const arrivalRng = rng.fork("arrivals");
  const service = makeSampler(options.service, rng.fork("service"));
  const station = new Station(env, {
    name: "station",
    servers: options.servers,
    serviceS: service,
    queueMax: options.queueMax,
  });
  const pool = new IdPool();
  const sojourn = new Histogram(),
    wait = new Histogram();
  // Little's law needs every customer's count and total sojourn, not their distribution: two
  // sums instead of a third histogram (a 225 KB bucket array written once per customer).
  let allCount = 0,
    allSumS = 0;
  const warmup = Math.floor((options.warmupFraction ?? 0) * options.customers);
  const meanInterarrival = 1 / options.arrivalRatePerS;
  let generated = 0;
  const arrivalKind = env.register("arrival", () => {
    const id = pool.acquire();
    pool.startS[id] = env.now;
    pool.tag[id] = generated++;
    station.arrive(id);
    if (generated < options.customers) {
      env.schedule(-Math.log(arrivalRng.uniform()) * meanInterarrival, arrivalKind, 0);
    }
  });
  station.onDone = (id) => {
    const t = env.now - pool.startS[id]!;
    allCount++;
    allSumS += t;
    if (pool.tag[id]! >= warmup) sojourn.record(t);
    pool.release(id);
  };
  station.onBlocked = (id) => pool.release(id);
  env.schedule(-Math.log(arrivalRng.uniform()) * meanInterarrival, arrivalKind, 0);
  env.run();
  const averages = station.averages();
  const horizon = env.now;
  wait.merge(station.waits);
  return {
    sojourn,
    wait,
    blocked: station.blocked,
    offered: options.customers,
    events: env.eventCount,
    little: {
      numberInSystem: averages.numberInSystem,
      lambdaW: (allCount / horizon) * (allSumS / allCount),
    },
    utilisation: averages.utilisation,
  };
}

export interface JacksonStation {
  readonly name: string;
  readonly servers: number;
  readonly meanServiceS: number;
  /** External Poisson arrival rate into this station. */
  readonly externalRatePerS: number;
}

export interface JacksonOptions {
  readonly stations: readonly JacksonStation[];
  /** routing[i][j]: probability of going to j after i; the rest leaves the network. */
  readonly routing: readonly (readonly number[])[];
  readonly durationS: number;
  readonly warmupS: number;
  readonly seed: number;
}

export interface JacksonResult {
  readonly sojourn: Histogram;
  readonly perStationWait: readonly Histogram[];
  readonly throughputPerS: number;
  readonly little: { readonly numberInSystem: number; readonly lambdaW: number };
  readonly events: number;
}

/** Open network with exponential service and Markov routing; end-to-end sojourn per customer. */
export function simulateJackson(options: JacksonOptions): JacksonResult {
  const env = new Environment();
  const rng = new Rng(options.seed);
  const routeRng = rng.fork("routing");
  const pool = new IdPool();
  const sojourn = new Histogram(),
    all = new Histogram();
  let inSystemArea = 0,
    lastChange = 0;
  const touch = () => {
    inSystemArea += (env.now - lastChange) * pool.inUse;
    lastChange = env.now;
  };
  const stations = options.stations.map((spec, i) => {
    const serviceRng = rng.fork(`service.${i}`);
    const mean = spec.meanServiceS;
    return new Station(env, {
      name: spec.name,
      servers: spec.servers,
      serviceS: () => -Math.log(serviceRng.uniform()) * mean,
    });
  });
  stations.forEach((station, i) => {
    const row = options.routing[i] ?? [];
    station.onDone = (id) => {
      let u = routeRng.uniform();
      for (let j = 0; j < row.length; j++) {
        u -= row[j]!;
        if (u < 0) return stations[j]!.arrive(id);
      }
      touch();
      const t = env.now - pool.startS[id]!;
      all.record(t);
      if (pool.startS[id]! >= options.warmupS) sojourn.record(t);
      pool.release(id);
    };
  });
  options.stations.forEach((spec, i) => {
    if (spec.externalRatePerS <= 0) return;
    const arrivalRng = rng.fork(`arrivals.${i}`);
    const mean = 1 / spec.externalRatePerS;
    const kind = env.register(`arrival.${i}`, () => {
      touch();
      const id = pool.acquire();
      pool.startS[id] = env.now;
      stations[i]!.arrive(id);
      const next = -Math.log(arrivalRng.uniform()) * mean;
      if (env.now + next <= options.durationS) env.schedule(next, kind, 0);
    });
    env.schedule(-Math.log(arrivalRng.uniform()) * mean, kind, 0);
  });
  env.run();
  touch();
  const horizon = env.now;
  return {
    sojourn,
    perStationWait: stations.map((s) => s.waits),
    events: env.eventCount,
    throughputPerS: sojourn.count / (options.durationS - options.warmupS),
    little: { numberInSystem: inSystemArea / horizon, lambdaW: (all.count / horizon) * all.mean },
  };
}
