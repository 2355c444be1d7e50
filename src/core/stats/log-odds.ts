/**
 * Log-odds of softmax probabilities, log(p_c / (1 - p_c)) = l_c - logsumexp_{j != c} l_j, row by row, in
 * float64 from logits. AUROC ranks a class's probability; this is the same order without the saturation
 * of p (a float32 probability, and even a float32 log-probability, is exactly 1 / 0 for every query whose
 * logit gap passes ~17 / ~100, which ties them) and without underflow (wasm's softmax flushes subnormals).
 * O(w) per row: the top class's sum leaves it out directly; every other class's is the full sum minus
 * its own term, which cannot cancel since the top term (1 after the shift) stays in it.
 */
export function logOdds(logits: ArrayLike<number>, rows: number, w: number): Float64Array {
  const out = new Float64Array(rows * w);
  for (let r = 0; r < rows; r++) {
    const o = r * w;
    let top = o;
    for (let j = o + 1; j < o + w; j++) if ((logits[j] as number) > (logits[top] as number)) top = j;
    const m = logits[top] as number;
    let sum = 0;
    let second = -Infinity;
    for (let j = o; j < o + w; j++) {
      sum += Math.exp((logits[j] as number) - m);
      if (j !== top) second = Math.max(second, logits[j] as number);
    }
    let rest = 0;
    for (let j = o; j < o + w; j++) if (j !== top) rest += Math.exp((logits[j] as number) - second);
    for (let j = o; j < o + w; j++) {
      const l = logits[j] as number;
      out[j] = j === top ? l - (second + Math.log(rest)) : l - (m + Math.log(sum - Math.exp(l - m)));
    }
  }
  return out;
}
