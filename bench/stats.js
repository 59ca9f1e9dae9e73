'use strict';
// Order statistics for the benchmarks: quantiles interpolated between the two nearest ranks (the usual "type 7"
// definition, as numpy and R use by default), so that the p90 of 10 runs is not simply their maximum.
function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
}
const median = (xs) => quantile(xs, 0.5);
const p90 = (xs) => quantile(xs, 0.9);

module.exports = { quantile, median, p90 };
