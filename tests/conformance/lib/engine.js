'use strict';
// The engine's side of the conversation: the calls it makes, in its order, and what it must find afterwards.
const assert = require('node:assert/strict');
const { providerPb, Struct, Empty, toStruct, display, UNKNOWN, CHILD_VERSIONS } = require('./harness');

/** Handshake → GetPluginInfo → GetSchema → CheckConfig → DiffConfig → Configure, as `pulumi preview` does. */
async function boot(plugin, config, { asStrings = false } = {}) {
  const handshake = await plugin.call('handshake', new providerPb.ProviderHandshakeRequest().setEngineAddress('127.0.0.1:1'));
  const info = await plugin.call('getPluginInfo', new Empty());
  const schema = await plugin.call('getSchema', new providerPb.GetSchemaRequest().setVersion(1));
  // `pulumi config set` stores structured values as JSON strings; the provider must take both forms.
  const args = asStrings
    ? Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
    : config;
  const news = toStruct({ ...args, version: '0.1.0' });
  const check = await plugin.call('checkConfig', new providerPb.CheckRequest()
    .setUrn('urn:pulumi:dev::proj::pulumi:providers:multinode::default').setNews(news).setOlds(new Struct()));
  assert.deepEqual(check.getFailuresList().map((f) => f.toObject()), [], 'CheckConfig found no problem');
  // Olds as the engine keeps them are never unknown: a config unknown in preview (an explicit provider's settings
  // from other resources' outputs) is a new provider, which the engine does not diff.
  const diff = JSON.stringify(args).includes(UNKNOWN) ? null : await plugin.call('diffConfig', new providerPb.DiffRequest()
    .setUrn('urn:pulumi:dev::proj::pulumi:providers:multinode::default').setOlds(check.getInputs()).setNews(check.getInputs()));
  if (diff) assert.equal(diff.getChanges(), providerPb.DiffResponse.DiffChanges.DIFF_NONE);
  const configure = await plugin.call('configure', new providerPb.ConfigureRequest()
    .setArgs(check.getInputs()).setAcceptsecrets(true).setAcceptresources(true));
  return { handshake, info, schema: JSON.parse(schema.getSchema()), check, configure };
}

/** A ConstructRequest as the engine sends it for one multinode resource of a program. */
function constructRequest({ monitor, type, name, inputs, dryRun = false, providers = {}, inputDependencies = {},
  dependencies = [], protect, retainOnDelete, config = {}, configSecretKeys = [] }) {
  const req = new providerPb.ConstructRequest()
    .setProject(monitor.project).setStack(monitor.stack).setOrganization('organization')
    .setDryrun(dryRun).setParallel(16).setMonitorendpoint(monitor.address)
    .setType(type).setName(name).setParent(monitor.stackUrn)
    .setInputs(toStruct(inputs)).setDependenciesList(dependencies).setConfigsecretkeysList(configSecretKeys)
    .setAcceptsOutputValues(true);
  for (const [k, v] of Object.entries(providers)) req.getProvidersMap().set(k, v);
  for (const [k, v] of Object.entries(config)) req.getConfigMap().set(k, v);
  for (const [k, urns] of Object.entries(inputDependencies)) {
    req.getInputdependenciesMap().set(k, new providerPb.ConstructRequest.PropertyDependencies().setUrnsList(urns));
  }
  if (protect !== undefined) req.setProtect(protect);
  if (retainOnDelete !== undefined) req.setRetainondelete(retainOnDelete);
  return req;
}

/** What a reference {resource, property} to a registered child resolves to, in plan-JSON conventions. */
function outputOf(monitor, child, property, dryRun) {
  if (property === 'urn') return child.urn;
  const out = monitor.outputs.get(child.urn);
  if (property === 'id') return out.id === '' ? { unknown: true } : out.id;
  let value = out.object;
  let isSecret = false;
  for (const segment of property.split('.')) {
    const shown = display(value);
    if (shown && shown.secret === true) { isSecret = true; value = value.value; }
    if (value === UNKNOWN) break;
    if (value && typeof value === 'object' && segment in value) { value = value[segment]; continue; }
    value = dryRun ? UNKNOWN : null;
    break;
  }
  return isSecret ? { secret: true } : display(value);
}

/** The plan JSON value with references replaced by what the registered children answered. */
function resolve(value, monitor, childrenByName, dryRun) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, monitor, childrenByName, dryRun));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort().join(',');
    if (keys === 'property,resource') return outputOf(monitor, childrenByName[value.resource], value.property, dryRun);
    if (keys === 'concat') return joined(value.concat.map((v) => resolve(v, monitor, childrenByName, dryRun)));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, monitor, childrenByName, dryRun)]));
  }
  return value;
}

/** A plan-JSON string interpolation once its parts are resolved: secret if a part is, unknown if a part is not a
 * plain value (as PropertyValue.Concat rules), else the joined text. */
function joined(parts) {
  if (parts.some((p) => p && typeof p === 'object' && p.secret === true)) return { secret: true };
  if (parts.some((p) => p === null || typeof p === 'object')) return { unknown: true };
  return parts.map(String).join('');
}

const referencedResources = (value, out = new Set()) => {
  if (Array.isArray(value)) value.forEach((v) => referencedResources(v, out));
  else if (value && typeof value === 'object') {
    if (Object.keys(value).sort().join(',') === 'property,resource') out.add(value.resource);
    else Object.values(value).forEach((v) => referencedResources(v, out));
  }
  return out;
};

/**
 * Checks what one Construct registered against the offline plan of the same program: the component under the
 * stack, every planned child (and nothing else) under the component, with its inputs, dependencies, provider,
 * version and options; then the component's outputs and the ConstructResponse.
 */
function checkRegistrations({ monitor, plan, type, name, response, providers = {}, dryRun = false, extraDependencies = [] }) {
  const component = monitor.registrations.find((r) => r.type === type && r.name === name && r.parent === monitor.stackUrn);
  assert.ok(component, `${type} ${name} was registered under the stack`);
  assert.equal(component.custom, false);
  assert.equal(component.remote, false, 'remote = true would make the engine call Construct again');
  assert.deepEqual(component.object, {}, 'the component is registered with an (empty) object');
  assert.equal(component.acceptSecrets, true);
  assert.equal(component.acceptResources, true);
  assert.deepEqual(component.providers, providers, 'the component carries the request\'s providers');
  assert.equal(response.getUrn(), component.urn);

  const workload = plan.workloads.find((w) => w.name === name);
  assert.ok(workload, `the plan has workload ${name}`);
  const expected = plan.resources.filter((r) => r.parent === name);
  const children = monitor.registrations.filter((r) => r.parent === component.urn);
  assert.deepEqual(children.map((c) => `${c.type} ${c.name}`).sort(), expected.map((e) => `${e.type} ${e.name}`).sort(),
    'the registered children are the planned ones');
  const byName = Object.fromEntries(children.map((c) => [c.name, c]));
  const index = (n) => monitor.registrations.indexOf(byName[n]);

  for (const e of expected) {
    const child = byName[e.name];
    const pkg = e.type.split(':')[0];
    assert.equal(child.custom, true, `${e.name} is a custom resource`);
    assert.equal(child.acceptSecrets, true);
    assert.equal(child.acceptResources, true);
    assert.equal(child.version, CHILD_VERSIONS[pkg] || '', `${e.name} asks for the ${pkg} plugin version`);
    assert.equal(child.provider, providers[pkg] || '', `${e.name} uses the request's ${pkg} provider`);
    for (const d of e.dependsOn) {
      assert.ok(child.dependencies.includes(byName[d].urn), `${e.name} depends on ${d}`);
      assert.ok(index(d) < index(e.name), `${d} is registered before ${e.name}`);
    }
    for (const d of extraDependencies) assert.ok(child.dependencies.includes(d), `${e.name} waits for the component's input dependency ${d}`);
    for (const [key, value] of Object.entries(e.inputs)) {
      const refs = [...referencedResources(value)].map((n) => byName[n].urn).sort();
      assert.deepEqual((child.propertyDependencies[key] || []).slice().sort(), refs, `${e.name}.${key} property dependencies`);
    }
    assert.deepEqual(display(child.object), resolve(e.inputs, monitor, byName, dryRun), `${e.name} inputs match the plan`);
    const o = e.options || {};
    assert.deepEqual(child.replaceOnChanges, o.replaceOnChanges || [], `${e.name} replaceOnChanges`);
    assert.deepEqual(child.ignoreChanges, o.ignoreChanges || [], `${e.name} ignoreChanges`);
    assert.deepEqual(child.additionalSecretOutputs, o.additionalSecretOutputs || [], `${e.name} additionalSecretOutputs`);
    assert.equal(child.deleteBeforeReplace, o.deleteBeforeReplace === true, `${e.name} deleteBeforeReplace`);
    assert.equal(child.deleteBeforeReplaceDefined, o.deleteBeforeReplace === true);
  }

  const outputs = resolve(workload.outputs, monitor, byName, dryRun);
  assert.deepEqual(display(component.outputs), outputs, 'RegisterResourceOutputs carries the planned outputs');
  assert.deepEqual(display(response.getState().toJavaScript()), outputs, 'ConstructResponse.state carries the planned outputs');
  const stateDependencies = Object.fromEntries(Array.from(response.getStatedependenciesMap().entries()).map(([k, v]) => [k, v.getUrnsList().slice().sort()]));
  const expectedStateDependencies = Object.fromEntries(Object.entries(workload.outputs)
    .map(([k, v]) => [k, [...referencedResources(v)].map((n) => byName[n].urn).sort()])
    .filter(([, urns]) => urns.length > 0));
  assert.deepEqual(stateDependencies, expectedStateDependencies, 'stateDependencies name the children each output comes from');
  return { component, children };
}

module.exports = { boot, constructRequest, checkRegistrations };
