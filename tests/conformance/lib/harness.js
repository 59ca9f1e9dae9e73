'use strict';
// Plays the Pulumi engine against the published plugin with @pulumi/pulumi's generated protocol stubs:
// starts the plugin, reads its port, serves an Engine (logs) and a ResourceMonitor (records registrations).
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const providerPb = require('@pulumi/pulumi/proto/provider_pb');
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');
const resourceGrpc = require('@pulumi/pulumi/proto/resource_grpc_pb');
const resourcePb = require('@pulumi/pulumi/proto/resource_pb');
const engineGrpc = require('@pulumi/pulumi/proto/engine_grpc_pb');
const statusPb = require('@pulumi/pulumi/proto/status_pb');
const errorsPb = require('@pulumi/pulumi/proto/errors_pb');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb');

const REPO = path.resolve(__dirname, '..', '..', '..');
const PLUGIN = process.env.MULTINODE_PLUGIN || path.join(REPO, 'out', 'plugin', 'pulumi-resource-multinode');
const CLI = process.env.MULTINODE_CLI || path.join(REPO, 'out', 'cli', 'multinode');

const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const RESOURCE_SIG = '5cf8f73096256a8f31e491e813e4eb8e';
const OUTPUT_SIG = 'd0e6a833031e9bbcd3f4e8bde6ca49a4';
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** The child provider plugin versions the plugin must ask for (ChildProviders.cs): the SDK versions the type
 * check locks in tests/typecheck, so that the engine loads the provider the input shapes were checked against. */
const TYPECHECK_DEPENDENCIES = require(path.join(REPO, 'tests', 'typecheck', 'package.json')).dependencies;
const CHILD_VERSIONS = { aws: TYPECHECK_DEPENDENCIES['@pulumi/aws'], kubernetes: TYPECHECK_DEPENDENCIES['@pulumi/kubernetes'] };

const secret = (value) => ({ [SIG_KEY]: SECRET_SIG, value });
const outputValue = (fields) => ({ [SIG_KEY]: OUTPUT_SIG, ...fields });
const resourceRef = (urn, id) => (id === undefined ? { [SIG_KEY]: RESOURCE_SIG, urn } : { [SIG_KEY]: RESOURCE_SIG, urn, id });
const toStruct = (obj) => Struct.fromJavaScript(obj);

/** Wire values in the plan JSON's conventions: secrets {"secret":true} (value withheld), unknowns {"unknown":true}. */
function display(value) {
  if (value === UNKNOWN) return { unknown: true };
  if (Array.isArray(value)) return value.map(display);
  if (value && typeof value === 'object') {
    if (value[SIG_KEY] === SECRET_SIG) return { secret: true };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, display(v)]));
  }
  return value;
}

/** Every string in a wire value that is not inside a secret. */
function plainStrings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => plainStrings(v, out));
  else if (value && typeof value === 'object' && value[SIG_KEY] !== SECRET_SIG) Object.values(value).forEach((v) => plainStrings(v, out));
  return out;
}

function unary(client, method, request, metadata) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata || new grpc.Metadata(), (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Everything started, so that a failed test cannot leave a server or a plugin running. */
const running = new Set();

async function cleanup() {
  await Promise.all([...running].map((r) => r.stop()));
}

/** Handlers report their own failures as INTERNAL with the stack, so a broken fake is not mistaken for the plugin. */
function guard(impl) {
  return Object.fromEntries(Object.entries(impl).map(([name, fn]) => [name, (call, cb) => {
    try { fn(call, cb); } catch (e) { cb({ code: grpc.status.INTERNAL, details: `fake engine: ${e.stack}` }); }
  }]));
}

async function serve(service, impl) {
  const server = new grpc.Server();
  server.addService(service, guard(impl));
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const handle = {
    server,
    address: `127.0.0.1:${port}`,
    stop: () => { running.delete(handle); return new Promise((r) => server.tryShutdown(() => r())); },
  };
  running.add(handle);
  return handle;
}

/** The engine's Log service: records every message. */
async function startEngine() {
  const logs = [];
  const engine = await serve(engineGrpc.EngineService, {
    log(call, cb) {
      const r = call.request;
      logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn() });
      cb(null, new Empty());
    },
  });
  return { ...engine, logs };
}

/**
 * A ResourceMonitor like the engine's: URNs from the parent's type chain, duplicates rejected, custom
 * resources answered with their inputs as outputs and an id (empty in preview, as the engine does), and the
 * invoke of aws:ec2/getSubnet:getSubnet answered as the aws provider would (subnet X lies in VPC "vpc-of-X";
 * "subnet-missing" does not exist).
 */
async function startMonitor({ stack = 'dev', project = 'proj', dryRun = false, hold = false } = {}) {
  // hold: the first RegisterResource is never answered (an engine busy for ever); `held` resolves when it arrives.
  let onHeld;
  const held = new Promise((resolve) => { onHeld = resolve; });
  const registrations = [];
  const invokes = [];
  const outputs = new Map();
  const chains = new Map();
  const monitor = await serve(resourceGrpc.ResourceMonitorService, {
    registerResource(call, cb) {
      const r = call.request;
      if (hold) { onHeld({ call, cb }); return; }
      const parentChain = chains.get(r.getParent());
      const chain = parentChain ? `${parentChain}$${r.getType()}` : r.getType();
      const urn = `urn:pulumi:${stack}::${project}::${chain}::${r.getName()}`;
      if (chains.has(urn)) {
        cb({ code: grpc.status.ALREADY_EXISTS, details: `duplicate resource URN '${urn}'` });
        return;
      }
      chains.set(urn, chain);
      // Absent stays undefined, so that a wrong field number cannot pass for an empty object.
      const object = r.getObject() ? r.getObject().toJavaScript() : undefined;
      registrations.push({
        urn,
        type: r.getType(),
        name: r.getName(),
        parent: r.getParent(),
        custom: r.getCustom(),
        remote: r.getRemote(),
        object,
        protect: r.hasProtect() ? r.getProtect() : undefined,
        retainOnDelete: r.hasRetainondelete() ? r.getRetainondelete() : undefined,
        dependencies: r.getDependenciesList(),
        provider: r.getProvider(),
        providers: Object.fromEntries(r.getProvidersMap().entries()),
        propertyDependencies: Object.fromEntries(Array.from(r.getPropertydependenciesMap().entries()).map(([k, v]) => [k, v.getUrnsList()])),
        version: r.getVersion(),
        acceptSecrets: r.getAcceptsecrets(),
        acceptResources: r.getAcceptresources(),
        ignoreChanges: r.getIgnorechangesList(),
        replaceOnChanges: r.getReplaceonchangesList(),
        additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
        deleteBeforeReplace: r.getDeletebeforereplace(),
        deleteBeforeReplaceDefined: r.getDeletebeforereplacedefined(),
      });
      const res = new resourcePb.RegisterResourceResponse();
      res.setUrn(urn);
      if (r.getCustom()) {
        const id = dryRun ? '' : `id-${r.getName()}`;
        res.setId(id);
        res.setObject(toStruct(object || {}));
        outputs.set(urn, { id, object: object || {} });
      }
      cb(null, res);
    },
    invoke(call, cb) {
      const r = call.request;
      const args = r.getArgs() ? r.getArgs().toJavaScript() : undefined;
      invokes.push({ tok: r.getTok(), args, provider: r.getProvider(), version: r.getVersion(), acceptResources: r.getAcceptresources() });
      // The response type the stubs declare: InvokeResponse up to @pulumi/pulumi 3.248 (pinned for Node 20),
      // ResourceInvokeResponse later; the same fields and numbers on the wire.
      const res = new resourceGrpc.ResourceMonitorService.invoke.responseType();
      if (r.getTok() !== 'aws:ec2/getSubnet:getSubnet' || !args || args.id === 'subnet-missing') {
        res.setFailuresList([new providerPb.CheckFailure().setProperty('id').setReason(`no subnet ${args && args.id}`)]);
      } else {
        res.setReturn(toStruct({ id: args.id, vpcId: `vpc-of-${args.id}`, availabilityZone: 'us-east-1a' }));
      }
      cb(null, res);
    },
    registerResourceOutputs(call, cb) {
      const r = call.request;
      const reg = registrations.find((x) => x.urn === r.getUrn());
      if (!reg) {
        cb({ code: grpc.status.NOT_FOUND, details: `unknown resource ${r.getUrn()}` });
        return;
      }
      reg.outputs = r.getOutputs() ? r.getOutputs().toJavaScript() : undefined;
      cb(null, new Empty());
    },
  });
  const stackUrn = () => `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const result = { ...monitor, held, registrations, invokes, outputs, stack, project, stackUrn: stackUrn() };
  /** Serves another stack from here on, as a new preview against the same engine would: URNs registered before are
   * forgotten, and the plugin keeps its connection (bench/construct-time.js). */
  result.newStack = (name) => {
    stack = name;
    registrations.length = 0;
    invokes.length = 0;
    outputs.clear();
    chains.clear();
    Object.assign(result, { stack, stackUrn: stackUrn() });
  };
  return result;
}

/** Starts the published plugin as the engine does and reads the port from its first stdout line. */
async function startPlugin({ engineAddress, env = {}, args = [], plugin = PLUGIN } = {}) {
  if (!fs.existsSync(plugin)) throw new Error(`no plugin at ${plugin}; run tests/conformance/run.sh (it publishes one)`);
  const started = process.hrtime.bigint();
  const proc = spawn(plugin, [...args, ...(engineAddress ? [engineAddress] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plugin printed no port within 10 s; stderr: ${stderr}`)), 10000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) { clearTimeout(timer); resolve(stdout.slice(0, nl)); }
    });
    proc.on('exit', (code) => reject(new Error(`plugin exited with ${code} before printing a port; stderr: ${stderr}`)));
  });
  const msToPort = Number(process.hrtime.bigint() - started) / 1e6;
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const handle = {
    proc, port, client, exited, msToPort,
    stdout: () => stdout,
    stderr: () => stderr,
    call: (method, request, metadata) => unary(client, method, request, metadata),
    stop: async () => {
      running.delete(handle);
      client.close();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  running.add(handle);
  return handle;
}

/** google.rpc.Status from grpc-status-details-bin, with its InputPropertiesError details unpacked. */
function statusDetails(err) {
  const bin = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
  if (!bin) return null;
  const status = statusPb.Status.deserializeBinary(new Uint8Array(bin));
  const errors = [];
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() === 'pulumirpc.InputPropertiesError') {
      const detail = errorsPb.InputPropertiesError.deserializeBinary(any.getValue_asU8());
      for (const e of detail.getErrorsList()) errors.push({ propertyPath: e.getPropertyPath(), reason: e.getReason() });
    }
  }
  return { code: status.getCode(), message: status.getMessage(), errors };
}

/** Runs the offline CLI: `multinode ARGS`, returning stdout (throws with stderr on failure). */
function cli(...args) {
  return execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Polls `condition` until it holds; fails naming `what` after `ms` (a deadline, not a wait: it returns as soon as
 * the condition holds). */
async function until(condition, what, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'multinode-conformance-'));
}

module.exports = {
  REPO, PLUGIN, CLI, SIG_KEY, SECRET_SIG, OUTPUT_SIG, RESOURCE_SIG, UNKNOWN, CHILD_VERSIONS,
  providerPb, resourcePb, Struct, Empty, grpc,
  secret, outputValue, resourceRef, toStruct, display, plainStrings,
  startEngine, startMonitor, startPlugin, statusDetails, cli, tempDir, cleanup, until,
};
