'use strict';
// The plugin's life as the engine sees it: launch, handshake, configuration, functions, UNIMPLEMENTED, Cancel.
const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  REPO, PLUGIN, grpc, providerPb, Struct, Empty, toStruct, startEngine, startMonitor, startPlugin, statusDetails,
  cleanup, until,
} = require('../lib/harness');
const { load } = require('../lib/programs');
const { boot, constructRequest, checkRegistrations } = require('../lib/engine');

const schemaFile = JSON.parse(fs.readFileSync(path.join(REPO, 'schema.json'), 'utf8'));
const failure = (promise) => promise.then(() => assert.fail('the call succeeded'), (e) => e);

after(cleanup);

describe('launch', () => {
  it('prints only the port, accepts engine flags, and answers on 127.0.0.1', async () => {
    const engine = await startEngine();
    const plugin = await startPlugin({ engineAddress: engine.address, args: ['--logtostderr', '-v=9', '--tracing', 'file:/dev/null'] });
    try {
      assert.match(plugin.port, /^[1-9][0-9]{0,4}$/);
      const info = await plugin.call('getPluginInfo', new Empty());
      assert.equal(info.getVersion(), schemaFile.version);
      assert.equal(plugin.stdout(), `${plugin.port}\n`, 'stdout holds the port and nothing else');
    } finally {
      await plugin.stop();
      await engine.stop();
    }
  });

  it('exits cleanly on Cancel', async () => {
    const plugin = await startPlugin();
    await plugin.call('cancel', new Empty());
    const exit = await Promise.race([plugin.exited, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(plugin.stdout(), `${plugin.port}\n`);
  });

  it('on SIGTERM answers an in-flight Construct with a status and exits 0 within seconds', async () => {
    const plugin = await startPlugin();
    const monitor = await startMonitor({ dryRun: true, hold: true });
    try {
      await boot(plugin, { target: 'kubernetes' });
      const construct = failure(plugin.call('construct', constructRequest({
        monitor, type: 'multinode:index:Service', name: 'api', inputs: { image: 'img' }, dryRun: true,
      })));
      await monitor.held;
      const sent = Date.now();
      plugin.proc.kill('SIGTERM');
      const timeout = (ms) => new Promise((r) => setTimeout(() => r('timeout'), ms));
      // Without cancelling the call the engine holds, the host would wait its whole shutdown grace
      // (PluginHost.ShutdownGrace, 5 s) before it answered and exited.
      const GRACE_MS = 5000;
      const err = await Promise.race([construct, timeout(GRACE_MS)]);
      assert.notEqual(err, 'timeout', 'the Construct in flight got an answer');
      assert.equal(err.code, grpc.status.CANCELLED, `status ${err.code}: ${err.details}`);
      assert.match(err.details, /multinode plugin is shutting down/, 'the status says why');
      const exit = await Promise.race([plugin.exited, timeout(GRACE_MS)]);
      assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM; stderr: ${plugin.stderr()}`);
      assert.ok(Date.now() - sent < GRACE_MS, `exited ${Date.now() - sent} ms after SIGTERM`);
    } finally {
      await plugin.stop();
      monitor.server.forceShutdown();
      await monitor.stop();
    }
  });

  it('exits when the process that started it goes away', async () => {
    // A shell starts the plugin the way the engine would, then dies without a word.
    const shell = spawn('sh', ['-c', '"$0" 127.0.0.1:1 & echo "$!" >&2; wait', PLUGIN], { stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
    const pid = await new Promise((resolve) => shell.stderr.once('data', (d) => resolve(Number(String(d).trim().split('\n')[0]))));
    await new Promise((resolve) => shell.stdout.once('data', resolve));
    shell.kill('SIGKILL');
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    try {
      await until(() => !alive(), 'the orphaned plugin stopped');
    } finally {
      if (alive()) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('handshake and configuration', () => {
  it('announces secrets, resources and output values in Handshake and Configure', async () => {
    const plugin = await startPlugin();
    try {
      const { handshake, configure, info, schema } = await boot(plugin, { target: 'kubernetes' });
      assert.equal(handshake.getAcceptSecrets(), true);
      assert.equal(handshake.getAcceptResources(), true);
      assert.equal(handshake.getAcceptOutputs(), true);
      assert.equal(configure.getAcceptsecrets(), true);
      assert.equal(configure.getSupportspreview(), true);
      assert.equal(configure.getAcceptresources(), true);
      assert.equal(configure.getAcceptoutputs(), true);
      assert.equal(info.getVersion(), schema.version);
    } finally {
      await plugin.stop();
    }
  });

  it('CheckConfig answers every problem as a check failure and echoes the inputs', async () => {
    const plugin = await startPlugin();
    try {
      const news = toStruct({ target: 'gcp', kubernetes: '{"queue":{"kind":"kafka"}}', maxHourlyCost: '-3', version: '0.1.0' });
      const res = await plugin.call('checkConfig', new providerPb.CheckRequest().setNews(news).setOlds(new Struct()));
      assert.deepEqual(res.getInputs().toJavaScript(), news.toJavaScript());
      const failures = res.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
      assert.deepEqual(failures.map((f) => f[0]).sort(), ['kubernetes.queue.kind', 'maxHourlyCost', 'target']);
      assert.ok(failures.some(([p, r]) => p === 'target' && r.startsWith('target = "gcp" is not one of aws, kubernetes')), JSON.stringify(failures));
      assert.ok(failures.some(([p, r]) => p === 'maxHourlyCost' && r === 'maxHourlyCost = -3 is below the minimum of 0'), JSON.stringify(failures));
    } finally {
      await plugin.stop();
    }
  });

  it('DiffConfig reports each changed key with its kind', async () => {
    const plugin = await startPlugin();
    try {
      const olds = toStruct({ target: 'aws', aws: { subnetIds: ['subnet-a', 'subnet-b'] }, version: '0.1.0' });
      const news = toStruct({ target: 'kubernetes', maxHourlyCost: 5, version: '0.2.0' });
      // The diff is of the old inputs; olds (the old state) differ on purpose, to show which one was read.
      const res = await plugin.call('diffConfig', new providerPb.DiffRequest().setOlds(news).setOldInputs(olds).setNews(news));
      assert.equal(res.getChanges(), providerPb.DiffResponse.DiffChanges.DIFF_SOME);
      assert.deepEqual(res.getDiffsList(), ['aws', 'maxHourlyCost', 'target']);
      assert.equal(res.getHasdetaileddiff(), true);
      const detailed = Object.fromEntries(Array.from(res.getDetaileddiffMap().entries()).map(([k, v]) => [k, [v.getKind(), v.getInputdiff()]]));
      const K = providerPb.PropertyDiff.Kind;
      assert.deepEqual(detailed, { aws: [K.DELETE, true], maxHourlyCost: [K.ADD, true], target: [K.UPDATE, true] });
      assert.deepEqual(res.getReplacesList(), []);
    } finally {
      await plugin.stop();
    }
  });

  it('Configure rejects invalid config with per-property details', async () => {
    const plugin = await startPlugin();
    try {
      const err = await failure(plugin.call('configure', new providerPb.ConfigureRequest().setArgs(toStruct({ target: 'aws', aws: { subnetIds: [] } }))));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(err.details, 'provider config: aws.subnetIds = [] must name at least one subnet');
      assert.deepEqual(statusDetails(err).errors, [{ propertyPath: 'aws.subnetIds', reason: 'aws.subnetIds = [] must name at least one subnet' }]);
    } finally {
      await plugin.stop();
    }
  });

  it('Configure takes the deprecated variables map when args are absent', async () => {
    const program = load(path.join(REPO, 'Pulumi.yaml'), 'kubernetes');
    const plugin = await startPlugin();
    try {
      const req = new providerPb.ConfigureRequest();
      req.getVariablesMap().set('multinode:config:target', 'kubernetes');
      req.getVariablesMap().set('multinode:config:kubernetes', '{"namespace":"default"}');
      if (program.config.maxHourlyCost !== undefined) req.getVariablesMap().set('multinode:config:maxHourlyCost', String(program.config.maxHourlyCost));
      await plugin.call('configure', req);
      const monitor = await startMonitor();
      const r = program.resources[0];
      const response = await plugin.call('construct', constructRequest({ monitor, type: r.type, name: r.name, inputs: r.inputs }));
      checkRegistrations({ monitor, plan: program.plan, type: r.type, name: r.name, response });
      await monitor.stop();
    } finally {
      await plugin.stop();
    }
  });
});

describe('other RPCs', () => {
  it('answers UNIMPLEMENTED for what a component provider does not do', async () => {
    const plugin = await startPlugin();
    try {
      for (const [method, request] of [
        ['create', new providerPb.CreateRequest().setUrn('urn:pulumi:dev::proj::multinode:index:Function::x')],
        ['check', new providerPb.CheckRequest()],
        ['diff', new providerPb.DiffRequest()],
        ['read', new providerPb.ReadRequest()],
        ['update', new providerPb.UpdateRequest()],
        ['delete', new providerPb.DeleteRequest()],
        ['call', new providerPb.CallRequest()],
        ['parameterize', new providerPb.ParameterizeRequest()],
      ]) {
        const err = await failure(plugin.call(method, request));
        assert.equal(err.code, grpc.status.UNIMPLEMENTED, `${method} answers UNIMPLEMENTED`);
      }
    } finally {
      await plugin.stop();
    }
  });

  it('Invoke selectInstanceType: bad arguments come back as failures; a live lookup without credentials says so and uses the catalog', async () => {
    const engine = await startEngine();
    const plugin = await startPlugin({ engineAddress: engine.address });
    try {
      const tok = 'multinode:index:selectInstanceType';
      const bad = await plugin.call('invoke', new providerPb.InvokeRequest().setTok(tok).setArgs(toStruct({ cpu: -1, gpu: { type: 'tpu', count: 3 } })));
      assert.equal(bad.getReturn(), undefined);
      assert.deepEqual(bad.getFailuresList().map((f) => f.getProperty()).sort(), ['cpu', 'gpu.type']);
      assert.ok(bad.getFailuresList().some((f) => f.getReason() === 'cpu = -1 is below the minimum of 0.1'));

      const unknownTok = await failure(plugin.call('invoke', new providerPb.InvokeRequest().setTok('multinode:index:nope').setArgs(new Struct())));
      assert.equal(unknownTok.code, grpc.status.INVALID_ARGUMENT);

      // What the AWS target plans for the same request is what the function must answer.
      const program = load(path.join(REPO, 'Pulumi.yaml'), 'aws');
      const planned = program.plan.resources.find((r) => r.name === 'api-lt').inputs.instanceType;
      const request = new providerPb.InvokeRequest().setTok(tok).setArgs(toStruct({ cpu: 2, memory: '4Gi', live: true }));
      const answer = await plugin.call('invoke', request).then((r) => ({ r }), (e) => ({ e }));
      assert.ok(answer.r, answer.e && answer.e.message);
      const value = answer.r.getReturn().toJavaScript();
      assert.equal(value.source, 'catalog');
      // The root program's Service asks for 2 vCPU and 4Gi: the function must name the type its plan launches.
      assert.equal(value.instanceType, planned);
      assert.equal(typeof value.hourlyPrice, 'number');
      assert.equal(value.vcpus >= 2, true);
      await until(() => engine.logs.some((l) => l.severity === 1 && /no AWS credentials/.test(l.message)),
        `the no-credentials line among ${JSON.stringify(engine.logs)}`);
    } finally {
      await plugin.stop();
      await engine.stop();
    }
  });
});
