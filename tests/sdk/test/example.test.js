'use strict';
// examples/typescript-function as its README runs it: built with tsc --strict against the packed SDK, then previewed
// through @pulumi/pulumi's runner against the local engine and the plugin, with the config its Pulumi.yml declares.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startEngine, runProgram } = require('../lib/engine');
const { tsc } = require('../lib/scenarios');

const here = path.resolve(__dirname, '..');
const example = path.resolve(here, '..', '..', 'examples', 'typescript-function');
const yaml = require(require.resolve('js-yaml', { paths: [path.resolve(here, '..', 'conformance')] }));

it('examples/typescript-function builds and previews', async () => {
  // A copy inside tests/sdk, so that it resolves the SDK installed here from the tarball.
  const dir = fs.mkdtempSync(path.join(here, '.example-'));
  try {
    for (const file of ['index.ts', 'tsconfig.json', 'package.json']) {
      fs.copyFileSync(path.join(example, file), path.join(dir, file));
    }
    const built = tsc(dir);
    assert.equal(built.code, 0, `the example compiles:\n${built.output}`);
    const project = yaml.load(fs.readFileSync(path.join(example, 'Pulumi.yml'), 'utf8'));
    const config = Object.fromEntries(Object.entries(project.config).map(([k, v]) => [k, v.value]));
    const pluginConfig = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.slice('multinode:'.length), v]));
    const engine = await startEngine({ project: project.name, stack: 'dev', dryRun: true, config: pluginConfig });
    let r;
    try {
      r = await runProgram({ sdkProject: here, programDir: dir, engine, dryRun: true, config });
    } finally {
      await engine.stop();
    }
    assert.equal(r.code, 0, `the preview succeeds:\n${r.stderr}\n${engine.logs.join('\n')}`);
    const square = engine.registrations.find((x) => x.remote && x.type === 'multinode:index:Function' &&
      x.name === 'square');
    assert.ok(square, 'the SDK registers Function square');
    assert.equal(square.object.maxWorkers, 30);
    assert.equal(square.object.spareWorkers, 2);
    assert.equal(square.object.cooldownPeriod, 300);
    const component = engine.registrations.find((x) => !x.remote && x.urn && x.name === 'square');
    const children = engine.registrations.filter((x) => x.parent === component.urn).map((x) => x.name).sort();
    assert.ok(children.length > 0);
    assert.deepEqual([...engine.stackOutputs().children].sort(), children, 'the example exports the children');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
