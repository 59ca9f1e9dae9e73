'use strict';
// Does a Construct cost more as the program grows? The engine constructs a program's components one after another in
// one plugin process, and the plugin checks each against all constructed before it (unique child URNs, quotas, budget:
// ProgramRules.Admit). This constructs COUNT copies of one root-program workload (distinct names) against the
// conformance suite's fake engine over one monitor connection and compares the plugin's CPU per Construct (every thread,
// as construct-time.js reads it) early in the program with the same late in it.
// The root program's budget is left out of the config: COUNT copies of a workload exceed any budget for a few copies.
// Usage: node bench/construct-scaling.js PLUGIN   (COUNT=2000, KIND=Function, TARGET=aws, WINDOW=50 constructs per figure)
const harness = require('../tests/conformance/lib/harness');
const { boot, constructRequest } = require('../tests/conformance/lib/engine');
const { median, p90 } = require('./stats');
const { rootProgram, timed } = require('./plugin-cpu');

const [plugin] = process.argv.slice(2);
const COUNT = Number(process.env.COUNT || 2000);
const KIND = process.env.KIND || 'Function';
const TARGET = process.env.TARGET || 'aws';
const WINDOW = Number(process.env.WINDOW || 50);
const SETTLE_MS = 2;

(async () => {
  const program = rootProgram(TARGET);
  const { maxHourlyCost, quotas, ...config } = program.config;
  const workload = program.resources.find((r) => r.type === `multinode:index:${KIND}`);
  if (!workload) throw new Error(`the root program has no ${KIND}`);
  if (COUNT < 4 * WINDOW) throw new Error(`COUNT must be at least ${4 * WINDOW}`);
  const engine = await harness.startEngine();
  const proc = await harness.startPlugin({ plugin, engineAddress: engine.address });
  const monitor = await harness.startMonitor({ dryRun: true, project: program.project, stack: 'scaling' });
  const cpu = [];
  try {
    await boot(proc, config);
    for (let i = 0; i < COUNT; i++) {
      const request = constructRequest({ monitor, type: workload.type, name: `${workload.name}${i}`, inputs: workload.inputs, dryRun: true });
      cpu.push((await timed(proc.proc.pid, SETTLE_MS, () => proc.call('construct', request))).cpuMs);
    }
  } finally {
    await monitor.stop();
    await proc.stop();
    await engine.stop();
  }
  const windows = [['early', WINDOW], ['middle', Math.floor(COUNT / 2)], ['last', COUNT - WINDOW]];
  const fmt = (n) => n.toFixed(2);
  const early = median(cpu.slice(WINDOW, 2 * WINDOW));
  console.log(`| ${TARGET} ${KIND}, constructs | plugin CPU median ms | p90 ms | × early |`);
  console.log('| --- | --- | --- | --- |');
  for (const [label, from] of windows) {
    const xs = cpu.slice(from, from + WINDOW);
    console.log(`| ${label}: ${from + 1}–${from + WINDOW} of ${COUNT} | ${fmt(median(xs))} | ${fmt(p90(xs))} | ${fmt(median(xs) / early)} |`);
  }
  console.log(`\nThe first ${WINDOW} constructs warm the plugin up and are not shown; ${require('node:os').cpus().length} CPUs; ` +
    `load average ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString()}`);
})().catch((e) => { console.error(e); process.exit(1); });
