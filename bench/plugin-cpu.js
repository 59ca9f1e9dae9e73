'use strict';
// The plugin's CPU time and memory as the Construct benchmarks read them (construct-time.js, construct-scaling.js), and
// the root program's multinode resources as Construct inputs.
const fs = require('node:fs');
const path = require('node:path');
const harness = require('../tests/conformance/lib/harness');
const { configFor, toWire } = require('../tests/conformance/lib/programs');
const yaml = require(require.resolve('js-yaml', { paths: [path.join(harness.REPO, 'tests', 'conformance')] }));

/** CPU time of every thread of the process so far, in ms. */
function cpuMs(pid) {
  let ns = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch { /* the thread ended between the listing and the read */ }
  }
  return ns / 1e6;
}

const rssMb = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;

/** Runs `call`, returning the plugin's CPU ms for it (read settleMs after the answer) and the caller's wall ms. */
async function timed(pid, settleMs, call) {
  const cpu = cpuMs(pid);
  const start = process.hrtime.bigint();
  await call();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return { cpuMs: cpuMs(pid) - cpu, wallMs };
}

/** The root program's multinode resources as Construct inputs and its config, as the conformance suite reads them
 * (without the offline plan, so no CLI is needed). */
function rootProgram(target) {
  const doc = yaml.load(fs.readFileSync(path.join(harness.REPO, 'Pulumi.yaml'), 'utf8'));
  const config = configFor(doc, target);
  const vars = Object.fromEntries(Object.entries(config).map(([k, v]) => [`multinode:${k}`, v]));
  const resources = Object.entries(doc.resources)
    .filter(([, r]) => r.type.startsWith('multinode:'))
    .map(([name, r]) => ({ name, type: r.type, inputs: toWire(r.properties || {}, vars) }));
  return { project: doc.name, config, resources };
}

module.exports = { cpuMs, rssMb, timed, rootProgram };
