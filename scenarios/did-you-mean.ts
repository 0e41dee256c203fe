// "Did you mean" suggestions for misspelt keys and names, as k6 and undici print them: the
// closest candidate by Levenshtein distance, offered only when it is plausibly a typo.

export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * The closest candidate within a third of the word's length (at least 2 edits), if any. A word
 * that extends a candidate ("ratePerSecond" for "ratePerS") is compared by its prefix too.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const prefix = word.length > candidate.length ? word.slice(0, candidate.length) : word;
    const distance = Math.min(editDistance(word, candidate), editDistance(prefix, candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}
