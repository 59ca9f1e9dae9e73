'use strict';
// scripts/update-catalog.mjs against a small sample in the format of AWS's EC2 offer file.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const repo = path.resolve(__dirname, '..', '..', '..');

it('update-catalog takes Linux shared on-demand prices from an offer file and dates the catalog', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-')), 'instance-types.json');
  execFileSync(process.execPath, [path.join(repo, 'scripts', 'update-catalog.mjs'),
    path.join(__dirname, '..', 'fixtures', 'ec2-offer-sample.json'), '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  const catalog = JSON.parse(fs.readFileSync(out, 'utf8'));
  const price = (name) => catalog.instanceTypes.find((t) => t.name === name).pricePerHour;
  assert.equal(price('p5.48xlarge'), '55.04');          // Linux, not the Windows SKU
  assert.equal(price('t3.small'), '0.0208');            // shared tenancy, not dedicated
  assert.equal(catalog.date, '2025-11-20');
  assert.match(catalog.source, /^AWS Price List API, EC2 offer file for us-east-1 \(version 20251120000000/);
  assert.equal(catalog.corrections, undefined);
  const original = JSON.parse(fs.readFileSync(path.join(repo, 'src', 'Multinode.Infra', 'Catalog', 'instance-types.json'), 'utf8'));
  assert.deepEqual(catalog.instanceTypes.map((t) => t.name), original.instanceTypes.map((t) => t.name));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});
