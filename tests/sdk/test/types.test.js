'use strict';
// The packed SDK's types catch a user's mistakes at compile time.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const { tsc } = require('../lib/scenarios');

it('tsc --strict rejects a wrong type, a missing required input and an unknown property', () => {
  const r = tsc('typeerrors');
  assert.notEqual(r.code, 0);
  assert.match(r.output, /index\.ts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'Input<number>/);
  assert.match(r.output, /index\.ts\(5,\d+\): error TS2345[^]*Property 'image' is missing/);
  assert.match(r.output,
    /index\.ts\(6,\d+\): error TS2353: [^\n]*'gpus' does not exist in type 'Input<ResourcesArgs>'/);
});
