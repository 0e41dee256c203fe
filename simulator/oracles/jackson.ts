// Open Jackson networks (Jackson 1957): solve the traffic equations λ = γ + λP by Gaussian
// elimination on (I − Pᵀ)λ = γ; each station then behaves as an independent M/M/c_i with λ_i
// (product form), and the mean end-to-end sojourn is Σ_i (λ_i/Γ)·E[T_i] with Γ = Σ γ_i.
import { mmc } from "./mmc.ts";

export interface JacksonInput {
  readonly externalRatesPerS: readonly number[];
  readonly serviceRatesPerS: readonly number[];
  readonly servers: readonly number[];
  readonly routing: readonly (readonly number[])[];
}

export function trafficEquations(
  gamma: readonly number[],
  routing: readonly (readonly number[])[],
): number[] {
  const n = gamma.length;
  const a = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n + 1 }, (_, j) =>
      j === n ? gamma[i]! : (i === j ? 1 : 0) - (routing[j]?.[i] ?? 0),
    ),
  );
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let j = col; j <= n; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

export function jacksonMeanSojournS(input: JacksonInput): {
  meanSojournS: number;
  arrivalRatesPerS: number[];
} {
  const lambdas = trafficEquations(input.externalRatesPerS, input.routing);
  const total = input.externalRatesPerS.reduce((s, x) => s + x, 0);
  let mean = 0;
  lambdas.forEach((lambda, i) => {
    const station = mmc(lambda, input.serviceRatesPerS[i]!, input.servers[i]!);
    mean += (lambda / total) * station.meanSojournS;
  });
  return { meanSojournS: mean, arrivalRatesPerS: lambdas };
}
