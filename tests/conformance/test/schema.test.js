'use strict';
// The schema the plugin serves: what SDK generation and `pulumi preview` of YAML programs read.
const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  REPO, providerPb, startPlugin, cleanup,
} = require('../lib/harness');

const TOKENS = ['Function', 'Job', 'Service', 'ScheduledTask', 'Daemon'].map((k) => `multinode:index:${k}`);
// Vendored with its source and licence (metaschema/README.md), so the check runs in every clone.
const METASCHEMA = path.join(__dirname, '..', 'metaschema', 'pulumi-package-metaschema.json');

async function served() {
  const plugin = await startPlugin();
  try {
    const res = await plugin.call('getSchema', new providerPb.GetSchemaRequest().setVersion(1));
    return res.getSchema();
  } finally {
    await plugin.stop();
  }
}

after(cleanup);

describe('GetSchema', () => {
  let text;
  let schema;

  it('serves JSON naming the five components with their inputs and outputs', async () => {
    text = await served();
    schema = JSON.parse(text);
    assert.equal(schema.name, 'multinode');
    assert.deepEqual(Object.keys(schema.resources).sort(), [...TOKENS].sort());
    for (const token of TOKENS) {
      const r = schema.resources[token];
      assert.equal(r.isComponent, true, `${token} is a component`);
      assert.ok(r.requiredInputs.includes('image'));
      assert.ok(r.properties.children, `${token} outputs its children`);
      assert.deepEqual(r.required, Object.keys(r.properties));
    }
  });

  it('is the committed schema.json (regenerate with `multinode schema > schema.json`)', () => {
    assert.equal(text, fs.readFileSync(path.join(REPO, 'schema.json'), 'utf8'));
  });

  it('gives every input a description, a type and its default; target and GPU types are enums', () => {
    const check = (where, props) => {
      for (const [name, p] of Object.entries(props)) {
        assert.ok(p.description && p.description.length > 0, `${where}.${name} has a description`);
        assert.ok(p.type || p.$ref, `${where}.${name} has a type`);
        if ('default' in p) assert.ok(p.description.includes('Default: '), `${where}.${name} states its default`);
      }
    };
    for (const token of TOKENS) check(token, schema.resources[token].inputProperties);
    for (const [token, t] of Object.entries(schema.types)) if (t.properties) check(token, t.properties);
    check('config', schema.config.variables);
    assert.equal(schema.resources['multinode:index:Function'].inputProperties.maxWorkers.default, 10);
    assert.equal(schema.types['multinode:index:Resources'].properties.memory.default, '2Gi');
    assert.deepEqual(schema.types['multinode:index:Target'].enum.map((e) => e.value), ['aws', 'kubernetes']);
    assert.equal(schema.config.variables.target.$ref, '#/types/multinode:index:Target');
    assert.deepEqual(schema.types['multinode:index:GpuType'].enum.map((e) => e.value),
      ['t4', 'a10g', 'l4', 'l40s', 'v100', 'a100', 'a100-80gb', 'h100', 'h200']);
    assert.ok(schema.types['multinode:index:Gpu'].properties.type.oneOf.some((o) => o.$ref === '#/types/multinode:index:GpuType'));
    assert.ok(schema.functions['multinode:index:selectInstanceType']);
  });

  it('is valid against the Pulumi package metaschema', () => {
    const Ajv2020 = require('ajv/dist/2020');
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(METASCHEMA, 'utf8')));
    assert.ok(validate(schema), JSON.stringify(validate.errors, null, 2));
  });
});
