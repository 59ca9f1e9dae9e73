'use strict';
// Simulation benchmark (issue 19): `simulate --format json` of 100 workloads under a six-hour trace, against `plan
// --format json` of the same program, in the same run on the same machine: CPU seconds (user + system) and peak
// resident set of each, on both targets, with the issue's limits (≤ 10 s of CPU, ≤ 300 MB peak). Not a test: the
// figures depend on the machine; the limits are what to check.
// Usage: node bench/simulate.js MULTINODE   (RUNS=3 runs of each command; bench/simulate.sh publishes the binary)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { summary } = require('./stats');

const cli = path.resolve(process.argv[2] || '');
if (!process.argv[2] || !fs.existsSync(cli)) {
  console.error('usage: node bench/simulate.js MULTINODE');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS || 3);
const WORKLOADS = 100;
const HOURS = 6;

// The five kinds in turn, as bench/cli.js writes them; Functions, Jobs and Services follow the trace.
const KINDS = [
  (n) => `Function\n    properties: { image: ghcr.io/example/${n}:1.0.0, maxWorkers: 30, spareWorkers: 2, cooldownPeriod: 300 }`,
  (n) => `Job\n    properties: { image: ghcr.io/example/${n}:1.0.0, maxConcurrency: 5, timeoutSeconds: 900 }`,
  (n) => `Service\n    properties: { image: ghcr.io/example/${n}:1.0.0, port: 8080, minReplicas: 2, maxReplicas: 10 }`,
  (n) => `ScheduledTask\n    properties: { image: ghcr.io/example/${n}:1.0.0, schedule: "0 * * * *", timeoutSeconds: 600 }`,
  (n) => `Daemon\n    properties: { image: ghcr.io/example/${n}:1.0.0 }`,
];
const CONFIG = {
  kubernetes: ['  multinode:target: kubernetes'],
  aws: ['  multinode:target: aws', '  multinode:aws:', '    value:', '      vpcId: vpc-0123456789abcdef0',
    '      subnetIds: [subnet-0000000000000000a, subnet-0000000000000000b]'],
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'multinode-bench-sim-'));
if (!process.env.KEEP) process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
else console.error(`kept ${work}`);

function program(target) {
  const lines = [`name: bench-sim-${target}`, 'runtime: yaml', 'config:', ...CONFIG[target], 'resources:'];
  for (let i = 0; i < WORKLOADS; i++) lines.push(`  w${String(i).padStart(3, '0')}:`, `    type: multinode:index:${KINDS[i % KINDS.length](`w${i}`)}`);
  const dir = path.join(work, target);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

// Six hours of diurnal load, one step a minute per traced workload (each with its own phase): in-flight invocations
// for a Function (0..13), CPU cores for a Service (0.5..6), and for a Job 3 executions of 300 s every 10 minutes.
function trace() {
  const lines = ['seconds,workload,demand,duration'];
  for (let i = 0; i < WORKLOADS; i++) {
    const kind = i % KINDS.length;
    if (kind > 2) continue;
    const name = `w${String(i).padStart(3, '0')}`;
    for (let m = 0; m < HOURS * 60; m++) {
      const wave = (1 - Math.cos(2 * Math.PI * (m / (HOURS * 60) + i / WORKLOADS))) / 2;
      if (kind === 0) lines.push(`${m * 60},${name},${Math.round(13 * wave)},`);
      else if (kind === 2) lines.push(`${m * 60},${name},${(0.5 + 5.5 * wave).toFixed(2)},`);
      else if (m % 10 === 0) lines.push(`${m * 60},${name},3,300`);
    }
  }
  const file = path.join(work, 'trace.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** CPU seconds (user + system) and peak RSS in MB of one run, from GNU time. */
function measure(cmd) {
  const out = path.join(work, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M %e', '-o', out, ...cmd], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 2000)}`);
  const [user, sys, kb, wall] = fs.readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + sys, mb: kb / 1024, wall };
}

if (!fs.existsSync('/usr/bin/time')) {
  console.error('bench/simulate.js needs GNU time (/usr/bin/time; Debian package "time")');
  process.exit(2);
}
const load = trace();
const rows = [];
const loadBefore = os.loadavg();
for (const target of ['kubernetes', 'aws']) {
  const dir = program(target);
  const cases = [
    { name: `plan --format json, ${target}`, cmd: [cli, 'plan', dir, '--format', 'json'] },
    { name: `simulate --format json, ${target}`, cmd: [cli, 'simulate', dir, '--load', load, '--format', 'json'], checked: true },
  ];
  const results = new Map(cases.map((c) => [c, []]));
  for (let round = 0; round < RUNS; round++) for (const c of cases) results.get(c).push(measure(c.cmd));
  const plan = summary(results.get(cases[0]).map((r) => r.cpu)).median;
  for (const c of cases) {
    const runs = results.get(c);
    const cpu = summary(runs.map((r) => r.cpu)).median;
    const wall = summary(runs.map((r) => r.wall)).median;
    const mb = Math.max(...runs.map((r) => r.mb));
    rows.push(`| ${c.name} | ${runs.length} | ${cpu.toFixed(2)} | ${wall.toFixed(2)} | ${(cpu / plan).toFixed(2)} | ${mb.toFixed(0)} | ` +
      (c.checked ? `${cpu <= 10 && mb <= 300 ? 'yes' : '**no**'} |` : '|'));
  }
}
const loadAfter = os.loadavg();
console.log(`${WORKLOADS} workloads (the five kinds in turn), ${HOURS} h trace (${fs.readFileSync(load, 'utf8').split('\n').length - 2} lines)`);
console.log('| command | runs | median CPU s | median wall s | CPU × plan | peak RSS MB (max) | ≤ 10 s CPU and ≤ 300 MB |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
console.log(rows.join('\n'));
console.log(`\n${os.cpus().length} × ${os.cpus()[0].model}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after`);
