'use strict';
// The repository's Pulumi YAML programs as the engine would hand them to the plugin, and the plan the offline
// CLI prints for the same program: what Construct must register, without hard-coding any child.
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');
const { REPO, UNKNOWN, secret, cli, tempDir } = require('./harness');

const FAKE_SUBNETS = ['subnet-0conformance00001', 'subnet-0conformance00002'];
const FAKE_VPC = 'vpc-0conformance000001';

/** The root program and every examples/**\/Pulumi.yaml. */
function programFiles() {
  const files = [path.join(REPO, 'Pulumi.yaml')];
  const examples = path.join(REPO, 'examples');
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (entry.name === 'Pulumi.yaml' && full !== files[0]) files.push(full);
    }
  };
  if (fs.existsSync(examples)) walk(examples);
  return files;
}

const isDeclaration = (v) => v && typeof v === 'object' && !Array.isArray(v) &&
  Object.keys(v).every((k) => ['type', 'description', 'default', 'value', 'secret', 'items'].includes(k));

/** A program's multinode config (unprefixed keys) for one target. */
function configFor(doc, target) {
  const config = {};
  for (const [key, raw] of Object.entries(doc.config || {})) {
    if (!key.startsWith('multinode:')) continue;
    const value = isDeclaration(raw) ? (raw.value !== undefined ? raw.value : raw.default) : raw;
    if (value !== undefined) config[key.slice('multinode:'.length)] = value;
  }
  config.target = target;
  if (target === 'aws' && !config.aws) config.aws = { vpcId: FAKE_VPC, subnetIds: FAKE_SUBNETS };
  return config;
}

/** YAML property values as wire values: fn::secret → secret, ${...} → config value or unknown. */
function toWire(value, vars) {
  if (Array.isArray(value)) return value.map((v) => toWire(v, vars));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'fn::secret') return secret(toWire(value['fn::secret'], vars));
    if (keys.length === 1 && keys[0].startsWith('fn::')) return UNKNOWN;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, vars)]));
  }
  if (typeof value === 'string' && value.includes('${')) {
    const whole = value.match(/^\$\{([^}]*)\}$/);
    if (whole) return vars[whole[1].trim()] !== undefined ? vars[whole[1].trim()] : UNKNOWN;
    let unknown = false;
    const text = value.replace(/\$\$\{|\$\{([^}]*)\}/g, (m, name) => {
      if (m === '$${') return '${';
      const v = vars[name.trim()];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
      unknown = true;
      return '';
    });
    return unknown ? UNKNOWN : text;
  }
  return value;
}

/**
 * One program on one target: its multinode resources as Construct inputs, its config, and the plan
 * `multinode plan --format json` prints for it (run on a copy whose stack file sets the target).
 */
function load(file, target) {
  const doc = yaml.load(fs.readFileSync(file, 'utf8'));
  const project = doc.name || 'project';
  const config = configFor(doc, target);
  const vars = { 'pulumi.project': project, 'pulumi.stack': 'conformance' };
  for (const [k, v] of Object.entries(config)) vars[`multinode:${k}`] = v;
  for (const [k, v] of Object.entries(doc.config || {})) {
    if (!k.includes(':')) vars[k] = isDeclaration(v) ? v.value : v;
  }
  const resources = Object.entries(doc.resources || {})
    .filter(([, r]) => r && typeof r.type === 'string' && r.type.startsWith('multinode:'))
    .map(([name, r]) => ({ name, type: r.type, inputs: toWire(r.properties || {}, vars), raw: r.properties || {} }));

  const dir = tempDir();
  fs.copyFileSync(file, path.join(dir, 'Pulumi.yaml'));
  const stackConfig = { 'multinode:target': target };
  if (target === 'aws') stackConfig['multinode:aws'] = config.aws;
  fs.writeFileSync(path.join(dir, 'Pulumi.conformance.yaml'), yaml.dump({ config: stackConfig }));
  const plan = JSON.parse(cli('plan', dir, '--stack', 'conformance', '--format', 'json'));
  fs.rmSync(dir, { recursive: true, force: true });
  return { file: path.relative(REPO, file), project, config, resources, plan };
}

module.exports = { programFiles, load, configFor, toWire, FAKE_SUBNETS };
