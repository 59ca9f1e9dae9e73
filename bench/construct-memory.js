'use strict';
// Memory over many Constructs: the plugin's resident set after a warm-up and after N more Constructs of distinct
// components, as the engine would send them in one large program (preview). Flat memory means the plugin keeps
// only what the program-wide quota and budget checks need per component.
// Usage: node bench/construct-memory.js PLUGIN [N] [TARGET]   (bench/construct-memory.sh builds the plugin)
const harness = require('../tests/conformance/lib/harness');
const { boot, constructRequest } = require('../tests/conformance/lib/engine');
const { rssMb, targetConfig } = require('./plugin-rig');

const [plugin, n = '2000', target = 'aws'] = process.argv.slice(2);
const WARMUP = 200;

(async () => {
  const proc = await harness.startPlugin({ plugin });
  try {
    await boot(proc, targetConfig(target));
    const monitor = await harness.startMonitor({ dryRun: true });
    let i = 0;
    const construct = async (count) => {
      for (const end = i + count; i < end; i++) {
        monitor.registrations.length = 0;
        await proc.call('construct', constructRequest({
          monitor, type: 'multinode:index:Function', name: `fn-${i}`, dryRun: true,
          inputs: { image: 'ghcr.io/example/app:1', env: { MODE: 'batch', TOKEN: harness.secret('t0ken') }, tags: { team: 'ml' } },
        }));
      }
    };
    await construct(WARMUP);
    if (global.gc) global.gc();
    const before = rssMb(proc.proc.pid);
    await construct(Number(n));
    const after = rssMb(proc.proc.pid);
    await monitor.stop();
    console.log(JSON.stringify({ target, warmup: WARMUP, constructs: Number(n), rssAfterWarmupMb: +before.toFixed(1),
      rssAfterMb: +after.toFixed(1), growthMbPer1000: +((after - before) / Number(n) * 1000).toFixed(2) }));
  } finally {
    await proc.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
