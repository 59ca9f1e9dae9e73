'use strict';
// Statistics for the benchmarks (measure.js, cli.js): quantiles interpolated between the two nearest runs (the
// definition spreadsheets call PERCENTILE.INC), so that with few runs "p90" is not silently the maximum.
// Usage: const { median, p90, quantile, summary } = require('./stats');

/** The q-quantile (0 ≤ q ≤ 1) of a list of numbers, linearly interpolated between the nearest ranks. */
function quantile(xs, q) {
  if (xs.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside 0..1`);
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

const median = (xs) => quantile(xs, 0.5);
const p90 = (xs) => quantile(xs, 0.9);

/**
 * Median, interpolated p90, minimum and maximum of a list of runs. `p90` is null below 10 runs: there it would be a
 * value between the two largest, so a report shows the maximum instead and says so (`p90IsMax`).
 */
function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const enough = s.length >= 10;
  return {
    runs: s.length,
    median: median(s),
    p90: enough ? quantile(s, 0.9) : null,
    min: s[0],
    max: s[s.length - 1],
    p90IsMax: !enough,
  };
}

module.exports = { quantile, median, p90, summary };

if (require.main === module) {
  // Self-check: node bench/stats.js (no test framework; the benchmarks are not part of the test suite).
  const assert = require('node:assert/strict');
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(median(ten), 5.5);
  assert.equal(quantile(ten, 0.9), 9.1); // not 10, the maximum, as floor(n * 0.9) picked
  assert.equal(quantile([3, 1, 2], 0), 1);
  assert.equal(quantile([3, 1, 2], 1), 3);
  assert.equal(median([7]), 7);
  assert.equal(summary(ten).p90, 9.1);
  assert.equal(summary([1, 2, 3]).p90, null);
  assert.equal(summary([1, 2, 3]).max, 3);
  console.log('stats: ok');
}
