'use strict';
// CLI benchmark (bench/cli.sh builds the binary and calls this): start-up against `node -e 0`, `plan --format json`
// of 1,000 and 4,000 workloads, `diff` of two 2,000-workload programs differing in one workload, and the peak
// resident set of `plan --format json` of 10,000 workloads, all in one run on the same machine, with the ratios
// issue 11 asks for. Not a test: timings depend on the machine; the ratios are what to compare.
// Usage: node bench/cli.js AOT-multinode [JIT-multinode]   (RUNS=20 short runs, LONG_RUNS=5 runs of the large programs,
//        RSS_RUNS=3 runs of the 10,000-workload plan; SLOW_SECONDS=30: a case whose first run takes longer runs once)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { summary } = require('./stats');

const cli = path.resolve(process.argv[2] || '');
const jit = process.argv[3] ? path.resolve(process.argv[3]) : null;
if (!process.argv[2] || !fs.existsSync(cli) || (jit && !fs.existsSync(jit))) {
  console.error('usage: node bench/cli.js AOT-multinode [JIT-multinode]');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS || 20);
const LONG_RUNS = Number(process.env.LONG_RUNS || 5);
const RSS_RUNS = Number(process.env.RSS_RUNS || 3);
const SLOW_MS = Number(process.env.SLOW_SECONDS || 30) * 1000;

// Programs: the five kinds in turn on the Kubernetes target (no cloud config needed), as a user would write them.
const KINDS = [
  (n) => `Function\n    properties: { image: ghcr.io/example/${n}:1.0.0, maxWorkers: 10, resources: { cpu: 2, memory: 4Gi } }`,
  (n) => `Job\n    properties: { image: ghcr.io/example/${n}:1.0.0, maxConcurrency: 5, timeoutSeconds: 900 }`,
  (n) => `Service\n    properties: { image: ghcr.io/example/${n}:1.0.0, port: 8080, minReplicas: 1, maxReplicas: 4 }`,
  (n) => `ScheduledTask\n    properties: { image: ghcr.io/example/${n}:1.0.0, schedule: "0 3 * * *" }`,
  (n) => `Daemon\n    properties: { image: ghcr.io/example/${n}:1.0.0 }`,
];

function program(dir, count, change = -1) {
  const lines = [`name: bench-${count}`, 'runtime: yaml', 'config:', '  multinode:target: kubernetes', 'resources:'];
  for (let i = 0; i < count; i++) {
    const name = `w${String(i).padStart(5, '0')}`;
    let body = KINDS[i % KINDS.length](name);
    if (i === change) body = body.replace('maxWorkers: 10', 'maxWorkers: 20');
    lines.push(`  ${name}:`, `    type: multinode:index:${body}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'multinode-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const one = program(path.join(work, 'one'), 1);
const p1000 = program(path.join(work, 'p1000'), 1000);
const p4000 = program(path.join(work, 'p4000'), 4000);
const p10000 = program(path.join(work, 'p10000'), 10000);
const base2000 = program(path.join(work, 'base2000'), 2000);
const head2000 = program(path.join(work, 'head2000'), 2000, 1000); // w01000 is a Function: maxWorkers 10 → 20

const cases = [
  { name: 'node -e 0', short: true, cmd: [process.execPath, '-e', '0'] },
  { name: 'validate, 1 workload', short: true, cmd: [cli, 'validate', one] },
  // For comparison: the same command from the JIT build, as `dotnet run` and the .NET tool start.
  ...(jit ? [{ name: 'validate, 1 workload, JIT build', short: true, cmd: [jit, 'validate', one] }] : []),
  { name: 'plan --format json, 1,000', cmd: [cli, 'plan', p1000, '--format', 'json'] },
  { name: 'plan --format json, 4,000', cmd: [cli, 'plan', p4000, '--format', 'json'] },
  { name: 'diff, 2,000 with 1 changed', cmd: [cli, 'diff', base2000, head2000] },
];

/** Wall time of one run in ms, from spawn to exit, output discarded; a failing run stops the benchmark. */
function run(cmd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 2000)}`);
  return ms;
}

/** Peak resident set in MB: GNU time's maximum RSS when /usr/bin/time exists, else /proc polling of VmHWM. */
function peakRss(cmd) {
  if (fs.existsSync('/usr/bin/time')) {
    const out = path.join(work, 'time.txt');
    const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, ...cmd], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 2000)}`);
    return { mb: Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024, how: 'GNU time (%M)' };
  }
  const script = `${JSON.stringify(cmd)}`;
  const poll = spawnSync(process.execPath, ['-e', `
    const { spawn } = require('node:child_process'); const fs = require('node:fs');
    const c = ${script}; const p = spawn(c[0], c.slice(1), { stdio: 'ignore' }); let peak = 0;
    const t = setInterval(() => { try { peak = Math.max(peak, Number(fs.readFileSync('/proc/' + p.pid + '/status', 'utf8').match(/VmHWM:\\s+(\\d+)/)[1])); } catch {} }, 5);
    p.on('exit', (code) => { clearInterval(t); console.log(code === 0 ? peak : -1); });`], { encoding: 'utf8', timeout: 600_000 });
  const kb = Number(poll.stdout.trim());
  if (!(kb > 0)) throw new Error(`${cmd.join(' ')} failed under /proc polling`);
  return { mb: kb / 1024, how: '/proc VmHWM polled every 5 ms' };
}

const loadBefore = os.loadavg();
// Warm-up of the short ones (page cache, binary loaded); not counted. A long case's first run is its check.
for (const c of cases.filter((x) => x.short)) run(c.cmd);

const times = new Map(cases.map((c) => [c, []]));
const once = new Set();
for (let round = 0; round < Math.max(RUNS, LONG_RUNS); round++) {
  const due = cases.filter((c) => (c.short ? round < RUNS : round < LONG_RUNS && !(once.has(c) && round > 0)));
  // Interleaved, and the order rotates each round so that no case always follows the same one.
  for (let k = 0; k < due.length; k++) {
    const c = due[(k + round) % due.length];
    const ms = run(c.cmd);
    times.get(c).push(ms);
    if (round === 0 && !c.short && ms > SLOW_MS) once.add(c);
  }
}
const rss = [];
for (let i = 0; i < RSS_RUNS; i++) rss.push(peakRss([cli, 'plan', p10000, '--format', 'json']));
const loadAfter = os.loadavg();

const stat = new Map(cases.map((c) => [c, summary(times.get(c))]));
const median = (name) => stat.get(cases.find((c) => c.name === name)).median;
const node = median('node -e 0');
const startup = median('validate, 1 workload');
const rssMax = Math.max(...rss.map((r) => r.mb));
// The limits: "start-up" is the CLI's own (validate of one workload), measured in this run.
const checks = {
  'validate, 1 workload': { ratio: startup / node, of: 'node -e 0', limit: 1.5 },
  'plan --format json, 1,000': { ratio: median('plan --format json, 1,000') / startup, of: 'CLI start-up', limit: 4 },
  'plan --format json, 4,000': { ratio: median('plan --format json, 4,000') / median('plan --format json, 1,000'), of: 'plan json 1,000', limit: 4.5 },
  'diff, 2,000 with 1 changed': { ratio: median('diff, 2,000 with 1 changed') / startup, of: 'CLI start-up', limit: 8 },
};

const f = (n, digits = 1) => (n === null || n === undefined ? '' : Number(n).toFixed(digits));
const lines = [];
lines.push('| measurement | runs | median ms | p90 ms | × node -e 0 | ratio checked | limit | holds |');
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const c of cases) {
  const s = stat.get(c);
  const check = checks[c.name];
  const p90 = s.p90IsMax ? `${f(s.max)} (max)` : f(s.p90);
  lines.push(`| ${c.name} | ${s.runs} | ${f(s.median)} | ${p90} | ${f(s.median / node, 2)} | ` +
    (check ? `${f(check.ratio, 2)} × ${check.of} | ≤ ${check.limit} | ${check.ratio <= check.limit ? 'yes' : '**no**'} |` : '| | |'));
}
lines.push(`| peak RSS, plan --format json, 10,000 | ${rss.length} | | | | ${f(rssMax)} MB (max of runs) | ≤ 600 MB | ${rssMax <= 600 ? 'yes' : '**no**'} |`);
console.log(lines.join('\n'));
const cpu = os.cpus();
console.log(`\n${cpu.length} CPUs (${cpu[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; ` +
  `load average ${f(loadBefore[0], 2)} before, ${f(loadAfter[0], 2)} after; ${new Date().toISOString()}`);
console.log(`binary: ${cli}; runs interleaved, order rotating; p90 interpolated between ranks (bench/stats.js), "max" below 10 runs; ` +
  `times are wall time from spawn to exit, output to /dev/null; peak RSS by ${rss[0].how}.`);
