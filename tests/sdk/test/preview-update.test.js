'use strict';
// Preview registers exactly the children update registers (issue 21): a real @pulumi/pulumi program whose image,
// env values, a whole env map and an explicit provider's subnets are other resources' outputs (unknown in preview,
// known in update) runs through the SDK's program runner against the local engine and the published plugin, in
// preview and in update, on both default targets (the explicit provider's Service is on AWS in both runs). Pulumi's
// update plans (`pulumi up --plan`) refuse an update that registers a resource the preview did not
// (https://www.pulumi.com/docs/iac/concepts/update-plans/), so the set of child URNs and types must be the same.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startEngine, runProgram } = require('../lib/engine');
const { tsc } = require('../lib/scenarios');

const here = path.resolve(__dirname, '..');
const conformance = path.resolve(here, '..', 'conformance', 'lib');
const { configFor } = require(path.join(conformance, 'programs'));

/** Every kind; the image and env values from Tokens, whose value their provider computes in the update. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as multinode from "@multinode/pulumi-multinode";

class Token extends pulumi.CustomResource {
    declare public readonly value: pulumi.Output<string>;
    constructor(name: string) { super("sdktest:index:Token", name, { value: undefined }); }
}

class EnvMap extends pulumi.CustomResource {
    declare public readonly value: pulumi.Output<Record<string, string>>;
    constructor(name: string) { super("sdktest:index:EnvMap", name, { value: undefined }); }
}

const image = pulumi.interpolate\`\${new Token("repo").value}:1.0\`;
const env = { PLAIN: new Token("plain").value, KEY: pulumi.secret(new Token("key").value), FIXED: "x" };
new multinode.Function("fn", { image, env });
new multinode.Job("job", { image, env });
new multinode.Service("web", { image, env });
new multinode.ScheduledTask("nightly", { image, env, schedule: "0 3 * * *" });
new multinode.Daemon("agent", { image, env });
// A plain env map unknown as a whole in preview: a plain env in update, so no secrets holder in either.
new multinode.Function("whole", { image: "ghcr.io/example/app:1.0", env: new EnvMap("settings").value });
// An explicit provider whose subnets are another resource's output: its whole aws block is unknown in preview.
const vpc = new multinode.Provider("vpc", { target: "aws", aws: { subnetIds: [new Token("subnet-a").value, "subnet-b"] } });
new multinode.Service("private", { image: "ghcr.io/example/app:1.0" }, { provider: vpc });
`;

/** The custom children the plugin registered under the components, as "type urn" lines. */
async function children(dir, target, dryRun) {
  const engine = await startEngine({ project: 'sdktest', stack: 'dev', dryRun, config: configFor({}, target) });
  let r;
  try {
    const config = { 'multinode:target': target };
    r = await runProgram({ sdkProject: here, programDir: dir, engine, dryRun, config });
  } finally {
    await engine.stop();
  }
  assert.equal(r.code, 0, `${target} ${dryRun ? 'preview' : 'update'} succeeds:\n${r.stderr}\n${engine.logs.join('\n')}`);
  const components = new Set(engine.registrations.filter((x) => !x.remote && x.type.startsWith('multinode:index:'))
    .map((x) => x.urn));
  assert.equal(components.size, 7, 'the plugin constructed every component');
  return engine.registrations.filter((x) => x.custom && components.has(x.parent)).map((x) => `${x.type} ${x.urn}`)
    .sort();
}

for (const target of ['aws', 'kubernetes']) {
  it(`${target}: preview registers the children update registers, with an unknown image, env values, env map and subnets`, async () => {
    const dir = fs.mkdtempSync(path.join(here, '.preview-update-'));
    try {
      fs.writeFileSync(path.join(dir, 'index.ts'), PROGRAM);
      for (const file of ['tsconfig.json', 'package.json']) {
        fs.copyFileSync(path.join(here, 'program', file), path.join(dir, file));
      }
      const built = tsc(dir);
      assert.equal(built.code, 0, `the program compiles:\n${built.output}`);
      const preview = await children(dir, target, true);
      const update = await children(dir, target, false);
      assert.ok(preview.length > 0);
      assert.deepEqual(preview, update);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
