'use strict';
// Startup benchmark: time from process start to the printed port, and memory after Construct of the root
// program, for each build of the plugin and for a minimal Kestrel gRPC server built the same ways.
// Usage: node bench/measure.js NAME=PATH... (bench/startup.sh passes the builds it made).
const fs = require('node:fs');
const path = require('node:path');
const harness = require('../tests/conformance/lib/harness');
const { load } = require('../tests/conformance/lib/programs');
const { boot, constructRequest } = require('../tests/conformance/lib/engine');
const { median, p90 } = require('./stats');

const RUNS = Number(process.env.RUNS || 20);
const variants = process.argv.slice(2).map((a) => { const i = a.indexOf('='); return { name: a.slice(0, i), path: a.slice(i + 1) }; });

async function timeToPort(file) {
  const { spawn } = require('node:child_process');
  const start = process.hrtime.bigint();
  const proc = spawn(file, ['127.0.0.1:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const ms = await new Promise((resolve, reject) => {
    proc.stdout.once('data', () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
    proc.on('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await exited;
  return ms;
}

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function memoryAfterConstruct(file, target) {
  const program = load(path.join(harness.REPO, 'Pulumi.yaml'), target);
  const plugin = await harness.startPlugin({ plugin: file });
  try {
    await boot(plugin, program.config);
    const monitor = await harness.startMonitor({ dryRun: true, project: program.project });
    for (const r of program.resources) {
      await plugin.call('construct', constructRequest({ monitor, type: r.type, name: r.name, inputs: r.inputs, dryRun: true }));
    }
    await monitor.stop();
    return { ...memory(plugin.proc.pid), registrations: monitor.registrations.length };
  } finally {
    await plugin.stop();
  }
}

(async () => {
  const times = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (const v of variants) await timeToPort(v.path); // warm the page cache
  for (let i = 0; i < RUNS; i++) for (const v of variants) times[v.name].push(await timeToPort(v.path));
  const base = median(times['baseline-aot'] || times[variants[0].name]);
  const rows = [];
  for (const v of variants) {
    const row = { build: v.name, medianMs: median(times[v.name]), p90Ms: p90(times[v.name]), vsBaselineAot: median(times[v.name]) / base };
    if (v.name.startsWith('plugin')) {
      const aws = await memoryAfterConstruct(v.path, 'aws');
      const k8s = await memoryAfterConstruct(v.path, 'kubernetes');
      Object.assign(row, { rssAfterConstructAwsMb: aws.rssMb, rssAfterConstructK8sMb: k8s.rssMb, peakMb: Math.max(aws.peakMb, k8s.peakMb), registrations: aws.registrations });
    }
    rows.push(row);
  }
  const fmt = (n) => (n === undefined ? '' : Number(n).toFixed(n < 10 ? 2 : 1));
  console.log(`| build | median ms to port | p90 ms | × baseline AOT | RSS after Construct (aws / k8s) MB | peak MB |`);
  console.log(`| --- | --- | --- | --- | --- | --- |`);
  for (const r of rows) {
    console.log(`| ${r.build} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} | ${fmt(r.vsBaselineAot)} | ${r.rssAfterConstructAwsMb ? `${fmt(r.rssAfterConstructAwsMb)} / ${fmt(r.rssAfterConstructK8sMb)}` : ''} | ${fmt(r.peakMb)} |`);
  }
  console.log(`\n${RUNS} runs each, interleaved; p90 interpolated between ranks; ${require('node:os').cpus().length} CPUs; ${new Date().toISOString()}`);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
