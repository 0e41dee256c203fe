// M/G/1 Pollaczek-Khinchine mean value formula (Kleinrock 1975, eq. 5.72):
// Wq = λ·E[S²] / (2(1−ρ)) = ρ(1+C_s²)/(2μ(1−ρ)); E[T] = Wq + E[S]; Lq = λ·Wq.
// M/D/1 is C_s² = 0 (Wq = ρ/(2μ(1−ρ))), M/M/1 is C_s² = 1.

export interface Mg1 {
  readonly meanWaitS: number;
  readonly meanSojournS: number;
  readonly meanQueueLength: number;
  readonly utilisation: number;
}

export function mg1(arrivalRatePerS: number, meanServiceS: number, secondMomentS2: number): Mg1 {
  const rho = arrivalRatePerS * meanServiceS;
  if (!(rho < 1)) throw new RangeError(`M/G/1 is unstable: ρ = ${rho} ≥ 1`);
  const wq = (arrivalRatePerS * secondMomentS2) / (2 * (1 - rho));
  return {
    meanWaitS: wq,
    meanSojournS: wq + meanServiceS,
    meanQueueLength: arrivalRatePerS * wq,
    utilisation: rho,
  };
}

export function md1(arrivalRatePerS: number, serviceS: number): Mg1 {
  return mg1(arrivalRatePerS, serviceS, serviceS * serviceS);
}
