'use strict';
// One run of tests/sdk/program (compiled by run.sh with tsc --strict against the installed tarball) through
// @pulumi/pulumi's program runner against the local engine and the published plugin, and what it must show.
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startEngine, runProgram } = require('./engine');

const here = path.resolve(__dirname, '..');
const conformance = path.resolve(here, '..', 'conformance', 'lib');
const { SECRET_SIG, UNKNOWN, plainStrings } = require(path.join(conformance, 'harness'));
const { configFor } = require(path.join(conformance, 'programs'));

const KINDS = { square: 'Function', batch: 'Job', web: 'Service', nightly: 'ScheduledTask', agent: 'Daemon' };
const SECRET = 's3cr3t-api-key';
/** How long a failing program may take to end, from the runner's start: measured 3 to 12 s on 2 cores at load 15;
 * a program that hangs is killed at 30 s (runProgram). */
const FAIL_WITHIN_MS = 20000;

function tsc(project) {
  try {
    const compiler = path.join(here, 'node_modules', '.bin', 'tsc');
    const output = execFileSync(compiler, ['-p', project], { cwd: here, encoding: 'utf8' });
    return { code: 0, output };
  } catch (e) {
    return { code: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

async function run(target, dryRun, scenario = 'all') {
  const pluginConfig = configFor({}, target);
  const engine = await startEngine({ project: 'sdktest', stack: 'dev', dryRun, config: pluginConfig });
  try {
    const config = { 'multinode:target': target, 'sdktest:scenario': scenario };
    const programDir = path.join(here, 'program');
    const result = await runProgram({ sdkProject: here, programDir, engine, dryRun, config });
    return { ...result, registrations: engine.registrations, outputs: engine.stackOutputs(), logs: engine.logs };
  } finally {
    await engine.stop();
  }
}

/** Every string in a value, and the text of each base64 one: a launch template's UserData is base64 (EC2 API
 * Reference, RequestLaunchTemplateData.UserData). */
function texts(value, out = []) {
  if (typeof value === 'string') {
    out.push(value);
    if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(value)) out.push(Buffer.from(value, 'base64').toString('utf8'));
  } else if (value && typeof value === 'object') Object.values(value).forEach((v) => texts(v, out));
  return out;
}
const contains = (value, text) => texts(value).some((t) => t.includes(text));


/** Preview or update of every kind on one target: components, children, outputs, the secret, the unknown. */
async function checkAllKinds(target, dryRun) {
    const r = await run(target, dryRun);
    assert.equal(r.code, 0, `the program succeeds:\n${r.stderr}\n${r.stdout}\n${r.logs.join('\n')}`);
    const byName = {};
    for (const [name, kind] of Object.entries(KINDS)) {
      assert.ok(r.registrations.some((x) => x.remote && x.type === `multinode:index:${kind}` && x.name === name),
        `the SDK registers ${kind} ${name} as a remote component`);
      const component = r.registrations.find((x) => !x.remote && x.type === `multinode:index:${kind}` &&
        x.name === name);
      assert.ok(component, `the plugin's Construct registered ${kind} ${name}`);
      const children = r.registrations.filter((x) => x.parent === component.urn);
      assert.ok(children.length > 0 && children.every((c) => c.custom), `${name} has custom children`);
      byName[name] = { component, children };
    }
    // Declared outputs reach the program: the stack exports what the components published.
    assert.deepEqual([...r.outputs.squareChildren].sort(), byName.square.children.map((c) => c.name).sort());
    assert.deepEqual([...r.outputs.agentChildren].sort(), byName.agent.children.map((c) => c.name).sort());
    // The schedule output is the cron and its time zone (schema: "0 3 * * * (Europe/Berlin)").
  assert.equal(r.outputs.nightlySchedule, '0 3 * * * (UTC)');
    // The secret stays secret in every child and output, and reaches a child of square as a secret.
    for (const x of r.registrations.filter((reg) => !reg.remote)) {
      for (const text of plainStrings([x.object, x.outputs || {}])) {
        assert.ok(!text.includes(SECRET), `${x.urn} shows the secret`);
      }
    }
    assert.ok(byName.square.children.some((c) => contains(c.object, SECRET_SIG) && contains(c.object, SECRET)),
      'a child of square carries the API key as a secret');
    const batchObjects = byName.batch.children.map((c) => c.object);
    if (dryRun) {
      // The token's value is computed by its provider: unknown in preview, and the plan goes on.
      assert.ok(contains(batchObjects, UNKNOWN), 'a child of batch carries the unknown token');
    } else {
      assert.ok(contains(batchObjects, 'token-of-token'), 'a child of batch carries the token');
      assert.equal(typeof r.outputs.squareQueue, 'string');
      assert.ok(contains(batchObjects, r.outputs.squareQueue), 'square.queue flows into a child of batch');
    }
}

/** The program with an input out of range: it must end, soon, with the property and value named. */
async function checkInvalid(target) {
  const r = await run(target, true, 'invalid');
  assert.equal(r.timedOut, false, `the program ended (took ${r.ms} ms)`);
  assert.notEqual(r.code, 0);
  assert.ok(r.ms < FAIL_WITHIN_MS, `the program ended in ${r.ms} ms`);
  const text = `${r.stderr}\n${r.stdout}\n${r.logs.join('\n')}`;
  assert.match(text, /maxWorkers/, `the error names maxWorkers:\n${text}`);
  assert.match(text, /1000/, `the error names the value:\n${text}`);
}

/** An explicit Provider (kubernetes, namespace "jobs") on a stack whose default provider is `target`. */
async function checkExplicitProvider(target, dryRun) {
  const r = await run(target, dryRun, 'provider');
  assert.equal(r.code, 0, `the program succeeds:\n${r.stderr}\n${r.logs.join('\n')}`);
  const provider = r.registrations.find((x) => x.type === 'pulumi:providers:multinode' && x.name === 'k8s');
  assert.ok(provider, 'the SDK registers the provider');
  assert.equal(provider.object.target, 'kubernetes');
  assert.equal(JSON.parse(provider.object.kubernetes).namespace, 'jobs', 'object config travels as JSON text');
  // The plugin version the engine must load: the SDK's, which is the repository's <Version>.
  const sdkVersion = require(path.join(here, 'node_modules', '@multinode', 'pulumi-multinode', 'package.json')).version;
  assert.equal(provider.version, sdkVersion);
  assert.equal(r.registrations.find((x) => x.remote && x.name === 'square').version, sdkVersion);
  const component = r.registrations.find((x) => !x.remote && x.type === 'multinode:index:Function' &&
    x.name === 'square');
  const children = r.registrations.filter((x) => x.parent === component.urn);
  assert.ok(children.length > 0 && children.every((c) => c.type.startsWith('kubernetes:')),
    'the children are kubernetes ones');
  assert.ok(children.some((c) => c.object.metadata && c.object.metadata.namespace === 'jobs'),
    'in the provider\'s namespace');
  assert.deepEqual([...r.outputs.squareChildren].sort(), children.map((c) => c.name).sort());
}

module.exports = { tsc, checkAllKinds, checkInvalid, checkExplicitProvider };
