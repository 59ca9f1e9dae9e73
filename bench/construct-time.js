'use strict';
// Plugin-side cost of one Construct per workload kind: the root program (Pulumi.yaml, one workload of each kind)
// constructed again and again against the conformance suite's fake engine, on each target. "Plugin-side" is the CPU
// time the plugin process spends on the call (every thread, from /proc/<pid>/task/*/schedstat, nanoseconds): it
// leaves out the time spent waiting for the engine's answers, and it counts parallel work in full, so it is an upper
// bound of the plugin's share of the wall time. The wall time seen by the engine is shown beside it, and the yardstick
// is the plugin's CPU time for an empty call (GetPluginInfo) measured in the same run.
// As under `pulumi preview`, the plugin gets an engine address (a fake Log service), so its log lines cost what they
// cost there (a gRPC call each), not a line on stderr. Each call's CPU is read SETTLE_MS after its answer: work the
// call leaves behind (a log line still being sent, the thread pool winding down) is counted for the call that caused it
// rather than for the next one or for none.
// The engine serves one ResourceMonitor for a whole preview, and the plugin keeps one connection to it, so every round
// here runs against one monitor (a new stack each round: the fake monitor refuses a URN it has registered before) and
// the connection is opened once, in the first warm-up round. What opening it costs is measured on its own after the
// rounds: a Construct of the last kind as the first call to a new monitor, against the same kind on an open connection.
// Usage: node bench/construct-time.js PLUGIN   (RUNS=N rounds, default 30, after WARMUP=N rounds, default 5; SETTLE_MS=N,
// default 10)
const harness = require('../tests/conformance/lib/harness');
const { boot, constructRequest } = require('../tests/conformance/lib/engine');
const { median, p90 } = require('./stats');
const { rootProgram, rssMb, timed } = require('./plugin-cpu');

const [plugin] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 30);
const WARMUP = Number(process.env.WARMUP || 5);
const LIMIT_MS = 5;
const SETTLE_MS = Number(process.env.SETTLE_MS || 10);

async function measure(target) {
  const program = rootProgram(target);
  const engine = await harness.startEngine();
  const proc = await harness.startPlugin({ plugin, engineAddress: engine.address });
  const pid = proc.proc.pid;
  try {
    await boot(proc, program.config);
    const samples = Object.fromEntries(program.resources.map((r) => [r.type, { name: r.name, cpu: [], wall: [], registrations: 0 }]));
    const empty = [];
    let rssAfterRootMb;
    const construct = (monitor, r) => proc.call('construct', constructRequest({ monitor, type: r.type, name: r.name, inputs: r.inputs, dryRun: true }));
    const monitor = await harness.startMonitor({ dryRun: true, project: program.project, stack: 'round0' });
    try {
      for (let round = 0; round < WARMUP + RUNS; round++) {
        const e = await timed(pid, SETTLE_MS, () => proc.call('getPluginInfo', new harness.Empty()));
        if (round >= WARMUP) empty.push(e.cpuMs);
        // The same components each round (a preview run again), each round in its own stack.
        monitor.newStack(`round${round}`);
        for (const r of program.resources) {
          const before = monitor.registrations.length;
          const t = await timed(pid, SETTLE_MS, () => construct(monitor, r));
          const s = samples[r.type];
          s.registrations = monitor.registrations.length - before;
          if (round >= WARMUP) { s.cpu.push(t.cpuMs); s.wall.push(t.wallMs); }
        }
        if (round === 0) rssAfterRootMb = rssMb(pid);
      }
    } finally {
      await monitor.stop();
    }
    const rssAfterMb = rssMb(pid);
    // Opening the connection: the last kind constructed as the first call to a monitor the plugin has not met.
    const last = program.resources[program.resources.length - 1];
    const connect = { type: last.type, first: [], again: [] };
    for (let round = 0; round < RUNS; round++) {
      const fresh = await harness.startMonitor({ dryRun: true, project: program.project, stack: `connect${round}` });
      try {
        connect.first.push((await timed(pid, SETTLE_MS, () => construct(fresh, last))).cpuMs);
        fresh.newStack(`connect${round}-again`);
        connect.again.push((await timed(pid, SETTLE_MS, () => construct(fresh, last))).cpuMs);
      } finally {
        await fresh.stop();
      }
    }
    return { target, samples, empty, rssAfterRootMb, rssAfterMb, connect };
  } finally {
    await proc.stop();
    await engine.stop();
  }
}

(async () => {
  const results = [];
  for (const target of ['aws', 'kubernetes']) results.push(await measure(target));
  const fmt = (n) => Number(n).toFixed(2);
  console.log(`| target | kind | registrations | plugin CPU median ms | p90 ms | × empty call | wall median ms (engine included) | ≤ ${LIMIT_MS} ms |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  let worst = 0;
  for (const { target, samples, empty } of results) {
    const base = median(empty);
    for (const [type, s] of Object.entries(samples)) {
      const kind = type.slice(type.lastIndexOf(':') + 1);
      worst = Math.max(worst, p90(s.cpu));
      console.log(`| ${target} | ${kind} | ${s.registrations} | ${fmt(median(s.cpu))} | ${fmt(p90(s.cpu))} | ${fmt(median(s.cpu) / base)} | ${fmt(median(s.wall))} | ${p90(s.cpu) <= LIMIT_MS ? 'yes' : 'NO'} |`);
    }
  }
  console.log(`| | empty call (GetPluginInfo) | | ${results.map((r) => fmt(median(r.empty))).join(' / ')} | ${results.map((r) => fmt(p90(r.empty))).join(' / ')} | 1.00 | | |`);
  console.log('\nOpening the monitor connection (once per preview, in its first Construct): the last kind constructed as the first call ' +
    'to a new monitor, then again on the connection now open');
  for (const { target, connect } of results) {
    const kind = connect.type.slice(connect.type.lastIndexOf(':') + 1);
    console.log(`- ${target} ${kind}: first call ${fmt(median(connect.first))} ms median (p90 ${fmt(p90(connect.first))}), again ` +
      `${fmt(median(connect.again))} ms (p90 ${fmt(p90(connect.again))}): opening the connection ≈ ${fmt(median(connect.first) - median(connect.again))} ms`);
  }
  console.log(`\nRSS after constructing the root program once: ${results.map((r) => `${r.target} ${r.rssAfterRootMb.toFixed(1)} MB`).join(', ')}` +
    `; after all rounds: ${results.map((r) => `${r.target} ${r.rssAfterMb.toFixed(1)} MB`).join(', ')}`);
  console.log(`${RUNS} rounds after ${WARMUP} warm-up rounds; p90 interpolated between ranks; ${require('node:os').cpus().length} CPUs; ` +
    `load average ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString()}`);
  process.exit(worst <= LIMIT_MS ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
