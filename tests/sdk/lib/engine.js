'use strict';
// A local Pulumi engine for a real @pulumi/pulumi program: serves the Engine and ResourceMonitor services the SDK's
// program runner talks to, answers a remote multinode:index:* registration as the engine does (Construct on the
// published plugin, whose own registrations come back here), and answers every other resource itself. The protocol
// pieces (stubs, plugin start-up, Configure) are the conformance suite's (tests/conformance/lib).
const path = require('node:path');
const { spawn } = require('node:child_process');
const conformance = path.resolve(__dirname, '..', '..', 'conformance');
const fromConformance = (m) => require(require.resolve(m, { paths: [conformance] }));
const { grpc, resourcePb, providerPb, Struct, Empty, toStruct, startPlugin, cleanup } =
  require(path.join(conformance, 'lib', 'harness'));
const { boot, constructRequest } = require(path.join(conformance, 'lib', 'engine'));
const resourceGrpc = fromConformance('@pulumi/pulumi/proto/resource_grpc_pb');
const engineGrpc = fromConformance('@pulumi/pulumi/proto/engine_grpc_pb');

/** The monitor features the engine reports (what `pulumi` 3.248 says yes to that this engine implements). */
const FEATURES = new Set(['secrets', 'resourceReferences', 'outputValues', 'deletedWith']);

/** A custom resource type whose `value` output is computed by its provider: unknown in preview. */
const TOKEN_TYPE = 'sdktest:index:Token';

/** Like TOKEN_TYPE, with a whole (non-secret) env map as its computed `value`. */
const ENV_MAP_TYPE = 'sdktest:index:EnvMap';

/** Outputs a provider computes in an update (unknown in preview), by type; other resources echo their inputs.
 * An SQS queue's URL is https://sqs.<region>.amazonaws.com/<account>/<name> (Amazon SQS Developer Guide,
 * "Queue and message identifiers"). */
const COMPUTED = {
  [TOKEN_TYPE]: (name) => ({ value: `token-of-${name}` }),
  [ENV_MAP_TYPE]: (name) => ({ value: { FROM: `map-of-${name}` } }),
  'aws:sqs/queue:Queue': (name, inputs) => {
    const queueName = typeof inputs.name === 'string' ? inputs.name : name;
    return { url: `https://sqs.us-east-1.amazonaws.com/123456789012/${queueName}` };
  },
};

async function serve(service, impl) {
  const server = new grpc.Server();
  server.addService(service, impl);
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, address: `127.0.0.1:${port}`, stop: () => new Promise((r) => server.tryShutdown(() => r())) };
}

/**
 * Starts the engine for one run: the plugin configured with `config` (the default provider), an Engine service
 * and a ResourceMonitor. `registrations` holds every resource the program and the plugin registered.
 */
async function startEngine({ project, stack, dryRun, config }) {
  const logs = [];
  const registrations = [];
  const chains = new Map();
  let stackOutputs;
  const engine = await serve(engineGrpc.EngineService, {
    log(call, cb) { logs.push(call.request.getMessage()); cb(null, new Empty()); },
    getRootResource(call, cb) { cb(null, new (engineGrpc.EngineService.getRootResource.responseType)()); },
    setRootResource(call, cb) { cb(null, new (engineGrpc.EngineService.setRootResource.responseType)()); },
  });
  const plugin = await startPlugin({ engineAddress: engine.address });
  await boot(plugin, config);
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const urnOf = (type, name, parent) => {
    const parentChain = chains.get(parent);
    const chain = parentChain ? `${parentChain}$${type}` : type;
    return { urn: `urn:pulumi:${stack}::${project}::${chain}::${name}`, chain };
  };

  /** Explicit multinode providers by URN: a plugin of their own, configured with the registered config. */
  const providers = new Map();
  async function startProvider(urn, object) {
    const own = await startPlugin({ engineAddress: engine.address });
    const { version, ...providerConfig } = object;
    await boot(own, providerConfig);
    providers.set(urn, own);
  }

  async function construct(r, object) {
    const ref = r.getProvider() || r.getProvidersMap().get('multinode') || '';
    const providerUrn = ref.split('::').slice(0, -1).join('::');
    const target = providerUrn ? providers.get(providerUrn) : plugin;
    if (!target) throw new Error(`no multinode provider ${ref}`);
    const inputDependencies = Object.fromEntries(Array.from(r.getPropertydependenciesMap().entries())
      .map(([k, v]) => [k, v.getUrnsList()]));
    const response = await target.call('construct', constructRequest({
      monitor, type: r.getType(), name: r.getName(), inputs: object, dryRun, inputDependencies,
      dependencies: r.getDependenciesList(),
    }));
    const res = new resourcePb.RegisterResourceResponse();
    res.setUrn(response.getUrn());
    res.setObject(response.getState() || new Struct());
    for (const [k, v] of response.getStatedependenciesMap().entries()) {
      res.getPropertydependenciesMap().set(k, new resourcePb.RegisterResourceResponse.PropertyDependencies()
        .setUrnsList(v.getUrnsList()));
    }
    return res;
  }

  function register(r, object) {
    const isStack = r.getType() === 'pulumi:pulumi:Stack';
    const { urn, chain } = isStack ? { urn: stackUrn } : urnOf(r.getType(), r.getName(), r.getParent());
    if (registrations.some((x) => x.urn === urn)) {
      throw Object.assign(new Error(`duplicate resource URN '${urn}'`), { code: grpc.status.ALREADY_EXISTS });
    }
    if (!isStack) chains.set(urn, chain);
    registrations.push({
      urn, type: r.getType(), name: r.getName(), parent: r.getParent(), custom: r.getCustom(),
      version: r.getVersion(), object,
    });
    const res = new resourcePb.RegisterResourceResponse();
    res.setUrn(urn);
    if (r.getCustom()) {
      // As a provider would: the inputs come back, with what it computes (unknown in preview).
      const compute = COMPUTED[r.getType()];
      const computed = compute && !dryRun ? compute(r.getName(), object) : {};
      res.setId(dryRun ? '' : `id-${r.getName()}`);
      res.setObject(toStruct({ ...object, ...computed }));
    }
    return res;
  }

  const monitor = await serve(resourceGrpc.ResourceMonitorService, {
    supportsFeature(call, cb) {
      cb(null, new resourcePb.SupportsFeatureResponse().setHassupport(FEATURES.has(call.request.getId())));
    },
    registerResource(call, cb) {
      const r = call.request;
      const object = r.getObject() ? r.getObject().toJavaScript() : {};
      if (r.getRemote()) {
        registrations.push({ type: r.getType(), name: r.getName(), remote: true, version: r.getVersion(), object });
        construct(r, object).then((res) => cb(null, res), (e) => cb({
          code: e.code || grpc.status.INTERNAL, details: e.details || e.message, metadata: e.metadata,
        }));
        return;
      }
      let res;
      try {
        res = register(r, object);
      } catch (e) {
        cb({ code: e.code || grpc.status.INTERNAL, details: e.message });
        return;
      }
      if (r.getType() !== 'pulumi:providers:multinode') { cb(null, res); return; }
      startProvider(res.getUrn(), object)
        .then(() => cb(null, res), (e) => cb({ code: grpc.status.INTERNAL, details: e.message }));
    },
    registerResourceOutputs(call, cb) {
      const r = call.request;
      const outputs = r.getOutputs() ? r.getOutputs().toJavaScript() : {};
      if (r.getUrn() === stackUrn) stackOutputs = outputs;
      const reg = registrations.find((x) => x.urn === r.getUrn());
      if (reg) reg.outputs = outputs;
      cb(null, new Empty());
    },
    invoke(call, cb) {
      // As the aws provider would for the plugin's subnet look-up: subnet X lies in VPC "vpc-of-X".
      const r = call.request;
      const args = r.getArgs() ? r.getArgs().toJavaScript() : {};
      const res = new resourceGrpc.ResourceMonitorService.invoke.responseType();
      if (r.getTok() === 'aws:ec2/getSubnet:getSubnet') {
        res.setReturn(toStruct({ id: args.id, vpcId: `vpc-of-${args.id}`, availabilityZone: 'us-east-1a' }));
      } else {
        res.setFailuresList([new providerPb.CheckFailure().setProperty('').setReason(`no invoke ${r.getTok()}`)]);
      }
      cb(null, res);
    },
  });
  Object.assign(monitor, { project, stack, stackUrn });
  return {
    monitor, engine, plugin, logs, registrations, providers,
    stackOutputs: () => stackOutputs,
    stop: async () => { await monitor.stop(); await engine.stop(); await cleanup(); },
  };
}

/**
 * Runs a compiled program with @pulumi/pulumi's own runner (cmd/run), started as the Node language host starts it.
 * `--require no-colour.js` (the CLI's own, src/Multinode.Infra.Cli/node) keeps the SDK's error printing from
 * hanging on Node 20/22 (see no-colour.js).
 */
function runProgram({ sdkProject, programDir, engine, dryRun, config, timeoutMs = 30000 }) {
  const runner = require.resolve('@pulumi/pulumi/cmd/run', { paths: [sdkProject] });
  const noColour = path.resolve(__dirname, '..', '..', '..', 'src', 'Multinode.Infra.Cli', 'node', 'no-colour.js');
  const args = ['--require', noColour, runner,
    '--monitor', engine.monitor.address, '--engine', engine.engine.address,
    '--project', engine.monitor.project, '--stack', engine.monitor.stack, '--organization', 'organization',
    '--parallel', '4', '--pwd', programDir, ...(dryRun ? ['--dry-run'] : []), '.'];
  const started = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: programDir,
    env: { ...process.env, PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: '[]' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut: signal === 'SIGKILL' });
    });
  });
}

module.exports = { startEngine, runProgram, TOKEN_TYPE, ENV_MAP_TYPE };
