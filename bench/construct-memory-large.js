'use strict';
// Memory after large requests: the plugin's resident set after Constructs of 31–70 MB (up to 64 MB read and
// answered on their content, above refused with RESOURCE_EXHAUSTED), measured once the last answer is in and again
// after an idle second. docs/provider.md ("Memory") promises it returns below 120 MB.
// Usage: node bench/construct-memory-large.js PLUGIN [TARGET]   (bench/construct-memory.sh large builds the plugin)
const harness = require('../tests/conformance/lib/harness');
const { boot, constructRequest } = require('../tests/conformance/lib/engine');
const { rssMb, targetConfig } = require('./plugin-rig');

const [plugin, target = 'aws'] = process.argv.slice(2);
const SIZES_MB = [31, 40, 50, 60, 63, 65, 70];

(async () => {
  const proc = await harness.startPlugin({ plugin });
  try {
    await boot(proc, targetConfig(target));
    const monitor = await harness.startMonitor({ dryRun: true });
    const start = rssMb(proc.proc.pid);
    let peak = start;
    const outcomes = {};
    for (const mb of SIZES_MB) {
      monitor.registrations.length = 0;
      const request = constructRequest({
        monitor, type: 'multinode:index:Function', name: `big-${mb}`, dryRun: true,
        inputs: { image: 'ghcr.io/example/app:1', env: { BIG: 'x'.repeat(mb * 1024 * 1024) } },
      });
      try {
        await proc.call('construct', request);
        outcomes[`${mb} MB`] = 'OK';
      } catch (e) {
        outcomes[`${mb} MB`] = `code ${e.code}`;
      }
      peak = Math.max(peak, rssMb(proc.proc.pid));
    }
    const afterLast = rssMb(proc.proc.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const afterIdle = rssMb(proc.proc.pid);
    await monitor.stop();
    console.log(JSON.stringify({ target, sizesMb: SIZES_MB, outcomes, rssStartMb: +start.toFixed(1), rssPeakMb: +peak.toFixed(1),
      rssAfterLastMb: +afterLast.toFixed(1), rssAfterIdleSecondMb: +afterIdle.toFixed(1) }));
  } finally {
    await proc.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
