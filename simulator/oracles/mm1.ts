// M/M/1 FIFO closed forms (Kleinrock, Queueing Systems vol. 1, 1975, section 3.2):
// sojourn T ~ Exp(μ−λ), so E[T] = 1/(μ−λ) and the q-quantile is −ln(1−q)/(μ−λ);
// P(W > 0) = ρ and P(W > t) = ρ·e^{−(μ−λ)t}.

export interface Mm1 {
  readonly meanSojournS: number;
  readonly meanWaitS: number;
  readonly utilisation: number;
  sojournQuantileS(q: number): number;
  waitTail(tS: number): number;
}

export function mm1(arrivalRatePerS: number, serviceRatePerS: number): Mm1 {
  const rho = arrivalRatePerS / serviceRatePerS;
  if (!(rho < 1)) throw new RangeError(`M/M/1 is unstable: ρ = ${rho} ≥ 1`);
  const theta = serviceRatePerS - arrivalRatePerS;
  return {
    meanSojournS: 1 / theta,
    meanWaitS: rho / theta,
    utilisation: rho,
    sojournQuantileS: (q) => -Math.log(1 - q) / theta,
    waitTail: (t) => rho * Math.exp(-theta * t),
  };
}
