/**
 * Indexes of `values` (or of the listed `pick` indexes) in ascending order
 * of their value, equal values in index order: a stable sort of indexes.
 * When the values are integers below 2^32 and there are fewer than 2^21 of
 * them, value * 2^21 + position is exact in a double, so this is one
 * numeric sort of a typed array without a comparator (what a cold
 * one-shot lookup can afford for thousands of ranges); otherwise a
 * comparator sort.
 */
export function orderByValue(values: ArrayLike<number>, pick?: ArrayLike<number>): ArrayLike<number> {
  const n = pick ? pick.length : values.length;
  const at = (k: number): number => (pick ? pick[k] : k);
  let packable = n < SLOTS;
  for (let k = 0; k < n && packable; k++) { const v = values[at(k)]; packable = v >= 0 && v < 2 ** 32 && Number.isInteger(v); }
  if (packable) {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = values[at(k)] * SLOTS + k;
    keys.sort();
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) out[k] = at(keys[k] % SLOTS);
    return out;
  }
  return Array.from({ length: n }, (_, k) => at(k)).sort((x, y) => values[x] - values[y] || x - y);
}

const SLOTS = 2 ** 21;
