'use strict';
// Construct of every program in the repository, on both targets, in `pulumi up` and `pulumi preview` form,
// checked against `multinode plan --format json` of the same program.
const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  SIG_KEY, SECRET_SIG, UNKNOWN, grpc, secret, outputValue, resourceRef, plainStrings,
  startEngine, startMonitor, startPlugin, statusDetails, tempDir,
  cleanup,
} = require('../lib/harness');
const { programFiles, load } = require('../lib/programs');
const { boot, constructRequest, checkRegistrations } = require('../lib/engine');

const PROVIDERS = {
  aws: 'urn:pulumi:dev::proj::pulumi:providers:aws::default_7_48_0::aws-provider-id',
  kubernetes: 'urn:pulumi:dev::proj::pulumi:providers:kubernetes::default_4_34_2::k8s-provider-id',
};

/** Every string inside a secret of a wire value. */
function secretTexts(value, inSecret = false, out = []) {
  if (typeof value === 'string') { if (inSecret && value.length >= 4) out.push(value); }
  else if (Array.isArray(value)) value.forEach((v) => secretTexts(v, inSecret, out));
  else if (value && typeof value === 'object') {
    const isSecret = inSecret || value[SIG_KEY] === SECRET_SIG || (value.secret === true && 'value' in value);
    Object.values(value).forEach((v) => secretTexts(v, isSecret, out));
  }
  return out;
}

function assertNoPlaintext(monitor, secrets) {
  for (const r of monitor.registrations) {
    for (const text of plainStrings([r.object || {}, r.outputs || {}])) {
      for (const s of secrets) assert.ok(!text.includes(s), `${r.type} ${r.name} carries the secret ${JSON.stringify(s)} in the clear`);
    }
  }
}

/** Writes a one-file program beside a temp folder and loads it like the repository's programs. */
function tempProgram(target, resources, extraConfig = {}) {
  const dir = tempDir();
  const file = path.join(dir, 'Pulumi.yaml');
  const yaml = require('js-yaml');
  fs.writeFileSync(file, yaml.dump({
    name: 'conformance', runtime: 'yaml',
    config: Object.fromEntries(Object.entries(extraConfig).map(([k, v]) => [`multinode:${k}`, { value: v }])),
    resources,
  }));
  const program = load(file, target);
  fs.rmSync(dir, { recursive: true, force: true });
  return program;
}

async function constructAll(plugin, program, { dryRun, engine }) {
  const monitor = await startMonitor({ dryRun, project: program.project });
  try {
    for (const r of program.resources) {
      const response = await plugin.call('construct', constructRequest({
        monitor, type: r.type, name: r.name, inputs: r.inputs, dryRun, providers: PROVIDERS,
      }));
      checkRegistrations({ monitor, plan: program.plan, type: r.type, name: r.name, response, providers: PROVIDERS, dryRun });
    }
    // The engine hears from Construct only what a user should see (warnings): a debug line per component would be one
    // more call to the engine each time (bench/construct-time.sh). protocol.test.js checks that logs reach the engine.
    if (engine) {
      const urns = new Set(monitor.registrations.filter((x) => !x.custom).map((x) => x.urn));
      assert.deepEqual(engine.logs.filter((l) => urns.has(l.urn) && l.severity === 0), [], 'no debug lines about the components');
    }
    assertNoPlaintext(monitor, secretTexts(program.resources.map((r) => r.inputs)));
    return monitor;
  } finally {
    await monitor.stop();
  }
}

for (const target of ['aws', 'kubernetes']) {
  describe(`Construct on ${target}`, () => {
    for (const file of programFiles()) {
      const program = load(file, target);
      it(`${program.file}: each resource registers its planned children, in up and in preview`, async () => {
        assert.ok(program.resources.length > 0, 'the program declares multinode resources');
        const engine = await startEngine();
        const plugin = await startPlugin({ engineAddress: engine.address });
        try {
          await boot(plugin, program.config, { asStrings: target === 'aws' });
          await constructAll(plugin, program, { dryRun: false, engine });
          await constructAll(plugin, program, { dryRun: true });
        } finally {
          await plugin.stop();
          await engine.stop();
        }
      });
    }

    it('a preview with unknown inputs plans, registers and answers unknown where it must', async () => {
      const program = tempProgram(target, {
        // Declared, as the CLI requires of every ${name}: their outputs are unknown in a preview.
        registry: { type: 'aws:ecr:Repository' },
        build: { type: 'command:local:Command', properties: { create: 'make' } },
        db: { type: 'aws:rds:Instance' },
        pending: {
          type: 'multinode:index:Service',
          properties: { image: '${registry.repositoryUrl}', tags: { build: '${build.id}' }, env: { A: '${db.endpoint}' } },
        },
      });
      assert.equal(program.resources[0].inputs.image, UNKNOWN);
      const plugin = await startPlugin();
      try {
        await boot(plugin, program.config);
        const monitor = await startMonitor({ dryRun: true });
        // The engine sends unknown outputs as output values without a value.
        const inputs = { ...program.resources[0].inputs, image: outputValue({ dependencies: ['urn:pulumi:dev::proj::aws:ecr/repository:Repository::registry'] }) };
        const response = await plugin.call('construct', constructRequest({ monitor, type: 'multinode:index:Service', name: 'pending', inputs, dryRun: true, providers: PROVIDERS }));
        checkRegistrations({ monitor, plan: program.plan, type: 'multinode:index:Service', name: 'pending', response, providers: PROVIDERS, dryRun: true,
          extraDependencies: ['urn:pulumi:dev::proj::aws:ecr/repository:Repository::registry'] });
        await monitor.stop();
      } finally {
        await plugin.stop();
      }
    });

    it('preview with an unknown image and env value and update with them known register the same children', async () => {
      // Pulumi's update plans refuse an update that registers a resource its preview did not
      // (https://www.pulumi.com/docs/iac/concepts/update-plans/): the child (type, name) list must not depend on
      // whether the image (an ECR repository's URL, unknown in preview) and an env value are known.
      const ecr = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.0';
      const program = tempProgram(target, {
        registry: { type: 'aws:ecr:Repository' },
        db: { type: 'aws:rds:Instance' },
        api: { type: 'multinode:index:Service', properties: { image: '${registry.repositoryUrl}', env: { DB: '${db.endpoint}' } } },
      });
      const plugin = await startPlugin();
      try {
        await boot(plugin, program.config, { asStrings: target === 'aws' });
        const registered = [];
        for (const dryRun of [true, false]) {
          const monitor = await startMonitor({ dryRun });
          const inputs = dryRun
            ? { ...program.resources[0].inputs, image: outputValue({ dependencies: ['urn:pulumi:dev::proj::aws:ecr/repository:Repository::registry'] }),
                env: { DB: outputValue({ dependencies: ['urn:pulumi:dev::proj::aws:rds/instance:Instance::db'] }) } }
            : { ...program.resources[0].inputs, image: ecr, env: { DB: 'db.example.internal' } };
          await plugin.call('construct', constructRequest({ monitor, type: 'multinode:index:Service', name: 'api', inputs, dryRun, providers: PROVIDERS }));
          registered.push(monitor.registrations.map((r) => `${r.type} ${r.name}`));
          await monitor.stop();
        }
        assert.deepEqual(registered[0], registered[1]);
        if (target === 'aws') assert.ok(registered[0].includes('aws:iam/rolePolicy:RolePolicy api-policy'), registered[0].join('\n'));
      } finally {
        await plugin.stop();
      }
    });

    if (target === 'aws') {
      it('without aws.vpcId the VPC of the first subnet is invoked for and every group goes there', async () => {
        const program = tempProgram(target, {
          api: { type: 'multinode:index:Service', properties: { image: 'img' } },
          worker: { type: 'multinode:index:Function', properties: { image: 'img' } },
        }, { aws: { subnetIds: ['subnet-0aaa', 'subnet-0bbb'] } });
        // Offline the VPC is unknown: the CLI cannot ask the engine.
        const planned = program.plan.resources.filter((r) => r.type === 'aws:ec2/securityGroup:SecurityGroup');
        assert.ok(planned.length === 3 && planned.every((r) => JSON.stringify(r.inputs.vpcId) === '{"unknown":true}'));
        const plugin = await startPlugin();
        try {
          await boot(plugin, program.config, { asStrings: true });
          for (const dryRun of [false, true]) {
            const monitor = await startMonitor({ dryRun });
            for (const r of program.resources)
              await plugin.call('construct', constructRequest({ monitor, type: r.type, name: r.name, inputs: r.inputs, dryRun, providers: PROVIDERS }));
            assert.deepEqual(monitor.invokes.map((i) => [i.tok, i.args, i.provider, i.acceptResources]),
              program.resources.map(() => ['aws:ec2/getSubnet:getSubnet', { id: 'subnet-0aaa' }, PROVIDERS.aws, true]));
            const inVpc = monitor.registrations.filter((r) => ['aws:ec2/securityGroup:SecurityGroup', 'aws:lb/targetGroup:TargetGroup'].includes(r.type));
            assert.equal(inVpc.length, 4);
            for (const r of inVpc) assert.equal(r.object.vpcId, 'vpc-of-subnet-0aaa', `${r.name} is in the subnets' VPC`);
            await monitor.stop();
          }
        } finally {
          await plugin.stop();
        }
      });

      it('a subnet the lookup cannot find fails the component naming it', async () => {
        const program = tempProgram(target, { d: { type: 'multinode:index:Daemon', properties: { image: 'img' } } },
          { aws: { subnetIds: ['subnet-missing'] } });
        const plugin = await startPlugin();
        try {
          await boot(plugin, program.config, { asStrings: true });
          const monitor = await startMonitor({ dryRun: true });
          const err = await plugin.call('construct', constructRequest({ monitor, type: 'multinode:index:Daemon', name: 'd', inputs: program.resources[0].inputs, dryRun: true, providers: PROVIDERS }))
            .then(() => null, (e) => e);
          assert.ok(err && err.details.includes('looking up the VPC of subnet subnet-missing'), err && err.details);
          assert.equal(monitor.registrations.length, 0);
          await monitor.stop();
        } finally {
          await plugin.stop();
        }
      });
    }

    it('secrets stay secret in every child input and output, however they arrive', async () => {
      const token = 'tok-4f1c9e-not-a-real-token';
      const image = 'ghcr.io/example/private-image:7.7.7';
      const program = tempProgram(target, {
        square: {
          type: 'multinode:index:Function',
          properties: { image: { 'fn::secret': image }, env: { TOKEN: { 'fn::secret': token }, PLAIN: 'visible' }, maxWorkers: 3 },
        },
      });
      const plugin = await startPlugin();
      try {
        await boot(plugin, program.config);
        for (const dryRun of [false, true]) {
          const monitor = await startMonitor({ dryRun });
          // The image arrives as a secret output value, the token as a plain secret.
          const inputs = { ...program.resources[0].inputs, image: outputValue({ value: image, secret: true, dependencies: [] }) };
          const response = await plugin.call('construct', constructRequest({ monitor, type: 'multinode:index:Function', name: 'square', inputs, dryRun, providers: PROVIDERS }));
          checkRegistrations({ monitor, plan: program.plan, type: 'multinode:index:Function', name: 'square', response, providers: PROVIDERS, dryRun });
          assertNoPlaintext(monitor, [token, image]);
          assert.ok(!JSON.stringify(response.getState().toJavaScript()).includes(token));
          await monitor.stop();
        }
      } finally {
        await plugin.stop();
      }
    });

    it('resource references, output values, dependencies and resource options are accepted and passed on', async () => {
      const program = tempProgram(target, {
        ingest: { type: 'multinode:index:Daemon', properties: { image: 'ghcr.io/example/ingest:1.0.0', tags: { volume: 'vol-0abc' }, timeoutSeconds: 45 } },
      });
      const plugin = await startPlugin();
      try {
        await boot(plugin, program.config);
        const monitor = await startMonitor();
        const volume = 'urn:pulumi:dev::proj::aws:ebs/volume:Volume::data';
        const imageDep = 'urn:pulumi:dev::proj::aws:ecr/image:Image::ingest';
        const explicit = 'urn:pulumi:dev::proj::aws:iam/role:Role::ops';
        const inputs = {
          image: outputValue({ value: 'ghcr.io/example/ingest:1.0.0', dependencies: [imageDep] }),
          tags: { volume: resourceRef(volume, 'vol-0abc') },
          timeoutSeconds: 45,
        };
        const response = await plugin.call('construct', constructRequest({
          monitor, type: 'multinode:index:Daemon', name: 'ingest', inputs, providers: PROVIDERS,
          inputDependencies: { tags: [volume] }, dependencies: [explicit], protect: true, retainOnDelete: true,
        }));
        const { component, children } = checkRegistrations({ monitor, plan: program.plan, type: 'multinode:index:Daemon', name: 'ingest', response,
          providers: PROVIDERS, extraDependencies: [imageDep, volume] });
        assert.deepEqual(component.dependencies.slice().sort(), [explicit, imageDep, volume].sort());
        assert.deepEqual(component.propertyDependencies, { image: [imageDep], tags: [volume] });
        assert.deepEqual(component.providers, PROVIDERS);
        assert.equal(component.protect, true);
        assert.equal(component.retainOnDelete, true);
        for (const child of children) {
          assert.equal(child.protect, true, `${child.name} is protected like its component`);
          assert.equal(child.retainOnDelete, true, `${child.name} is retained like its component`);
        }
        await monitor.stop();
      } finally {
        await plugin.stop();
      }
    });
  });
}

after(cleanup);

describe('Construct errors', () => {
  it('invalid inputs give one readable INVALID_ARGUMENT with every problem and its property path', async () => {
    const plugin = await startPlugin();
    try {
      await boot(plugin, { target: 'kubernetes' });
      const monitor = await startMonitor();
      const inputs = { image: 'ghcr.io/example/square:1', maxWorkers: 150, spareWorkers: -1, cooldownPeriod: 2.5, resources: { gpu: { type: 'tpu' } }, colour: 'blue' };
      const err = await plugin.call('construct', constructRequest({ monitor, type: 'multinode:index:Function', name: 'square', inputs })).then(
        () => assert.fail('Construct accepted invalid inputs'), (e) => e);
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      const lines = err.details.split('\n');
      assert.ok(lines.includes('Function "square": maxWorkers = 150 is above the limit of 100'), err.details);
      assert.ok(lines.some((l) => l.startsWith('Function "square": spareWorkers = -1 is below the minimum of 0')), err.details);
      assert.ok(lines.some((l) => l.startsWith('Function "square": cooldownPeriod = 2.5 must be a whole number')), err.details);
      assert.ok(lines.some((l) => l.startsWith('Function "square": resources.gpu.type = "tpu" is not a supported GPU type')), err.details);
      assert.ok(lines.some((l) => l.startsWith('Function "square": colour is not a property of Function')), err.details);
      assert.doesNotMatch(err.details, /\n\s+at |Exception/, 'no stack trace');
      const status = statusDetails(err);
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(status.message, err.details);
      assert.deepEqual(status.errors.map((e) => e.propertyPath).sort(),
        ['colour', 'cooldownPeriod', 'maxWorkers', 'resources.gpu.type', 'spareWorkers']);
      assert.ok(status.errors.every((e) => lines.includes(`Function "square": ${e.reason}`)));
      assert.equal(monitor.registrations.length, 0, 'nothing was registered');
      await monitor.stop();
    } finally {
      await plugin.stop();
    }
  });

  it('without Configure, Construct plans with the config it carries, secrets marked', async () => {
    const program = tempProgram('kubernetes', { nightly: { type: 'multinode:index:ScheduledTask', properties: { image: 'ghcr.io/example/report:1', schedule: '0 3 * * *', timeZone: 'Europe/Berlin' } } });
    const plugin = await startPlugin();
    try {
      const monitor = await startMonitor();
      const base = { monitor, type: 'multinode:index:ScheduledTask', name: 'nightly', inputs: program.resources[0].inputs, providers: PROVIDERS };
      const response = await plugin.call('construct', constructRequest({ ...base, config: { 'multinode:target': 'kubernetes', 'multinode:kubernetes': '{"namespace":"default"}', 'other:key': 'x' } }));
      checkRegistrations({ monitor, plan: program.plan, type: base.type, name: base.name, response, providers: PROVIDERS });
      const err = await plugin.call('construct', constructRequest({ ...base, name: 'nightly2', config: { 'multinode:target': 'kubernetes' }, configSecretKeys: ['multinode:target'] }))
        .then(() => assert.fail('a secret target was accepted'), (e) => e);
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, /target is a secret/);
      await monitor.stop();
    } finally {
      await plugin.stop();
    }
  });
});
