// M/M/c (Erlang C) and M/G/c/c (Erlang B) closed forms. Erlang B by the stable recursion
// B(0)=1, B(k) = a·B(k−1)/(k + a·B(k−1)) (Jagerman 1974); C = B/(1 − ρ + ρB);
// P(W > t) = C·e^{−(cμ−λ)t}; E[W] = C/(cμ−λ); sojourn tail with θ = cμ−λ (Gross & Harris,
// Fundamentals of Queueing Theory, 4th ed., section 2.3):
// P(T > t) = (1−C)e^{−μt} + C·(θe^{−μt} − μe^{−θt})/(θ−μ), and C·e^{−μt}(1+μt) when θ = μ.

export function erlangB(servers: number, offeredErlangs: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredErlangs * b) / (k + offeredErlangs * b);
  return b;
}

export function erlangC(servers: number, offeredErlangs: number): number {
  const rho = offeredErlangs / servers;
  if (!(rho < 1)) throw new RangeError(`M/M/c is unstable: ρ = ${rho} ≥ 1`);
  const b = erlangB(servers, offeredErlangs);
  return b / (1 - rho + rho * b);
}

export interface Mmc {
  readonly probabilityWait: number;
  readonly meanWaitS: number;
  readonly meanSojournS: number;
  readonly utilisation: number;
  waitTail(tS: number): number;
  waitQuantileS(q: number): number;
  sojournTail(tS: number): number;
  sojournQuantileS(q: number): number;
}

export function mmc(arrivalRatePerS: number, serviceRatePerS: number, servers: number): Mmc {
  const a = arrivalRatePerS / serviceRatePerS;
  const c = erlangC(servers, a);
  const mu = serviceRatePerS;
  const theta = servers * mu - arrivalRatePerS;
  const sojournTail = (t: number) =>
    Math.abs(theta - mu) < 1e-12 * mu
      ? (1 - c) * Math.exp(-mu * t) + c * Math.exp(-mu * t) * (1 + mu * t)
      : (1 - c) * Math.exp(-mu * t) +
        (c * (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t))) / (theta - mu);
  return {
    probabilityWait: c,
    meanWaitS: c / theta,
    meanSojournS: c / theta + 1 / mu,
    utilisation: a / servers,
    waitTail: (t) => c * Math.exp(-theta * t),
    waitQuantileS: (q) => (c > 1 - q ? Math.log(c / (1 - q)) / theta : 0),
    sojournTail,
    sojournQuantileS: (q) => invertTail(sojournTail, 1 - q),
  };
}

/** Smallest t with tail(t) ≤ p, by bracketing and bisection (tail is decreasing). */
export function invertTail(tail: (t: number) => number, p: number): number {
  let lo = 0,
    hi = 1e-9;
  while (tail(hi) > p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
