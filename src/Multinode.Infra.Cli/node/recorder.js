'use strict';
// The in-process engine of `multinode validate|plan|diff|simulate` for a `runtime: nodejs` program (docs/cli.md,
// "Node programs"). It serves the Engine and ResourceMonitor gRPC services that @pulumi/pulumi's program runner talks
// to, starts that runner (cmd/run) on the program as Pulumi's Node language host does, in preview (--dry-run), and
// records every registration: a multinode:* resource with its inputs, every other one so that an output it gives can
// be named. No provider runs: every resource is answered with its URN and no outputs (unknown in preview), every
// invoke with an empty result. @grpc/grpc-js and the protocol stubs are the ones of the program's own @pulumi/pulumi.
//
// Input: one JSON request on stdin ({ dir, program, project, stack, config, secretKeys, typescript, tsconfig,
// timeoutMs }). Output: one JSON object on stdout (see finish()). Exit code 0 whenever that object was written.
const path = require('node:path');
const { spawn } = require('node:child_process');

const started = Date.now();

/** Log severities of pulumirpc.LogSeverity (engine.proto): DEBUG 0, INFO 1, WARNING 2, ERROR 3. */
const WARNING = 2;

/** What the monitor says yes to: secrets and output values keep secrecy and dependencies in the inputs recorded. */
const FEATURES = new Set(['secrets', 'resourceReferences', 'outputValues', 'deletedWith']);

/** Most bytes of the program's stdout and stderr kept for messages: the tail is where an error is. */
const OUTPUT_TAIL = 16 * 1024;

function readRequest() {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => { text += d; });
    process.stdin.on('end', () => { try { resolve(JSON.parse(text)); } catch (e) { reject(e); } });
    process.stdin.on('error', reject);
  });
}

function finish(result) {
  process.stdout.write(JSON.stringify({ ms: Date.now() - started, ...result }));
  // The servers and any child are done with: exit now rather than wait for gRPC's sockets to drain.
  process.stdout.end(() => process.exit(0));
}

/** The program's @pulumi/pulumi, and what this engine needs from it, resolved as Node resolves them from `dir`. */
function loadSdk(dir) {
  let runner;
  try {
    runner = require.resolve('@pulumi/pulumi/cmd/run', { paths: [dir] });
  } catch {
    return null;
  }
  const root = path.resolve(path.dirname(runner), '..', '..');
  const from = (m) => require(require.resolve(m, { paths: [root] }));
  return {
    runner,
    root,
    grpc: from('@grpc/grpc-js'),
    resourceGrpc: require(path.join(root, 'proto', 'resource_grpc_pb')),
    resourcePb: require(path.join(root, 'proto', 'resource_pb')),
    engineGrpc: require(path.join(root, 'proto', 'engine_grpc_pb')),
    Struct: from('google-protobuf/google/protobuf/struct_pb').Struct,
    Empty: from('google-protobuf/google/protobuf/empty_pb').Empty,
  };
}

async function serve(sdk, service, impl) {
  const server = new sdk.grpc.Server();
  server.addService(service, impl);
  const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0',
    sdk.grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, address: `127.0.0.1:${port}` };
}

/** Keeps the last `OUTPUT_TAIL` characters of a stream. */
function tail(stream) {
  const kept = { text: '' };
  stream.setEncoding('utf8');
  stream.on('data', (d) => {
    kept.text += d;
    if (kept.text.length > 2 * OUTPUT_TAIL) kept.text = kept.text.slice(-OUTPUT_TAIL);
  });
  return kept;
}

async function main() {
  const request = await readRequest();
  const sdk = loadSdk(request.dir);
  if (!sdk) {
    finish({ error: 'no-sdk' });
    return;
  }
  const { grpc, resourcePb, resourceGrpc, engineGrpc, Struct, Empty } = sdk;
  const logs = [];
  const invokes = [];
  const resources = [];
  const urns = new Set();
  const chains = new Map();
  const stackUrn = `urn:pulumi:${request.stack}::${request.project}::pulumi:pulumi:Stack::` +
    `${request.project}-${request.stack}`;

  const engine = await serve(sdk, engineGrpc.EngineService, {
    log(call, cb) {
      const r = call.request;
      if (r.getSeverity() >= WARNING) {
        logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn() });
      }
      cb(null, new Empty());
    },
    getRootResource(call, cb) { cb(null, new (engineGrpc.EngineService.getRootResource.responseType)()); },
    setRootResource(call, cb) { cb(null, new (engineGrpc.EngineService.setRootResource.responseType)()); },
  });

  /** Records a resource and gives its URN, as the engine makes it: the parent's type chain, then type and name. */
  function record(r, extra) {
    const type = r.getType();
    if (type === 'pulumi:pulumi:Stack') return stackUrn;
    const parentChain = chains.get(r.getParent());
    const chain = parentChain ? `${parentChain}$${type}` : type;
    const urn = `urn:pulumi:${request.stack}::${request.project}::${chain}::${r.getName()}`;
    if (urns.has(urn)) {
      throw Object.assign(new Error(`duplicate resource URN '${urn}'`), { code: grpc.status.ALREADY_EXISTS });
    }
    urns.add(urn);
    chains.set(urn, chain);
    const position = r.hasSourceposition && r.hasSourceposition() ? r.getSourceposition() : null;
    resources.push({
      urn, type, name: r.getName(), parent: r.getParent(),
      inputs: (r.getObject ? r.getObject() : r.getProperties())?.toJavaScript() ?? {},
      source: position ? { uri: position.getUri(), line: position.getLine(), column: position.getColumn() } : null,
      ...extra,
    });
    return urn;
  }

  function dependencies(r) {
    return Object.fromEntries(Array.from(r.getPropertydependenciesMap().entries())
      .map(([k, v]) => [k, v.getUrnsList()]));
  }

  const failed = (cb, e) => cb({ code: e.code || grpc.status.INTERNAL, details: e.message });
  const monitor = await serve(sdk, resourceGrpc.ResourceMonitorService, {
    supportsFeature(call, cb) {
      cb(null, new resourcePb.SupportsFeatureResponse().setHassupport(FEATURES.has(call.request.getId())));
    },
    registerResource(call, cb) {
      const r = call.request;
      try {
        const urn = record(r, { custom: r.getCustom(), remote: r.getRemote(), dependencies: dependencies(r),
          provider: r.getProvider() });
        const res = new resourcePb.RegisterResourceResponse().setUrn(urn).setObject(new Struct());
        // A custom resource in preview: no ID yet, and no outputs beyond the inputs the SDK keeps (all unknown).
        if (r.getCustom()) res.setId('');
        cb(null, res);
      } catch (e) {
        failed(cb, e);
      }
    },
    readResource(call, cb) {
      const r = call.request;
      try {
        const urn = record(r, { custom: true, read: r.getId(), dependencies: {} });
        cb(null, new resourcePb.ReadResourceResponse().setUrn(urn).setProperties(new Struct()));
      } catch (e) {
        failed(cb, e);
      }
    },
    registerResourceOutputs(call, cb) { cb(null, new Empty()); },
    invoke(call, cb) {
      invokes.push(call.request.getTok());
      cb(null, new (resourceGrpc.ResourceMonitorService.invoke.responseType)().setReturn(new Struct()));
    },
    call(call, cb) {
      cb(null, new (resourceGrpc.ResourceMonitorService.call.responseType)().setReturn(new Struct()));
    },
    registerPackage(call, cb) {
      cb(null, new resourcePb.RegisterPackageResponse().setRef(`package-${call.request.getName()}`));
    },
    signalAndWaitForShutdown(call, cb) { cb(null, new Empty()); },
  });

  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(request.config || {}),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.secretKeys || []),
    PULUMI_NODEJS_TYPESCRIPT: request.typescript === false ? 'false' : 'true',
    // The runner's own colour and error printing: plain text (see no-colour.js).
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  if (request.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = request.tsconfig;
  const args = ['--require', path.join(__dirname, 'no-colour.js'), sdk.runner,
    '--monitor', monitor.address, '--engine', engine.address,
    '--project', request.project, '--stack', request.stack, '--organization', 'organization',
    '--parallel', '4', '--pwd', request.dir, '--dry-run', request.program || '.'];
  // Its own process group, so that a timeout ends whatever the program started as well.
  const child = spawn(process.execPath, args,
    { cwd: request.dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
  }, request.timeoutMs);
  child.on('error', (e) => {
    clearTimeout(timer);
    finish({ error: 'spawn', message: e.message, resources, logs });
  });
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    finish({
      code, signal, timedOut, resources, logs, invokes,
      stdout: stdout.text.slice(-OUTPUT_TAIL), stderr: stderr.text.slice(-OUTPUT_TAIL),
    });
  });
}

main().catch((e) => finish({ error: 'engine', message: e && e.stack ? e.stack : String(e) }));
