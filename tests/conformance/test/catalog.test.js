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
  const row = (name) => catalog.instanceTypes.find((t) => t.name === name);
  assert.equal(price('p5.48xlarge'), '55.04');          // Linux, not the Windows SKU
  assert.equal(price('t3.small'), '0.0208');            // shared tenancy, not dedicated
  const offer = catalog.sources[row('p5.48xlarge').source];
  assert.equal(offer.date, '2025-11-20');
  assert.match(offer.source, /^AWS Price List API, EC2 offer file for us-east-1 \(version 20251120000000/);
  // Every row names a dated source; the catalog's date is the oldest of them.
  for (const t of catalog.instanceTypes) assert.match(catalog.sources[t.source].date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(catalog.date, catalog.instanceTypes.map((t) => catalog.sources[t.source].date).sort()[0]);
  assert.equal(catalog.corrections, undefined);
  const original = JSON.parse(fs.readFileSync(path.join(repo, 'src', 'Multinode.Infra', 'Catalog', 'instance-types.json'), 'utf8'));
  assert.deepEqual(catalog.instanceTypes.map((t) => t.name), original.instanceTypes.map((t) => t.name));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

it('update-catalog takes a recorded price list: prices and adds its types, drops the unpriced, dates each row', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
  const out = path.join(dir, 'instance-types.json');
  const list = path.join(dir, 'list.json');
  fs.writeFileSync(list, JSON.stringify({
    id: 'sample-2030-01-02', date: '2030-01-02', region: 'us-east-1', source: 'a sample price list', method: 'by hand',
    types: [{ name: 'p5.48xlarge', pricePerHour: '50' },
      { name: 'p5.2xlarge', vcpus: 8, memoryGiB: 128, gpu: { type: 'h100', count: 1, memoryGiB: 80 }, pricePerHour: '4' }],
    unpriced: [{ name: 'p3.2xlarge', reason: 'sample' }],
  }));
  execFileSync(process.execPath, [path.join(repo, 'scripts', 'update-catalog.mjs'), '--prices', list, '--out', out],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const catalog = JSON.parse(fs.readFileSync(out, 'utf8'));
  const names = catalog.instanceTypes.map((t) => t.name);
  const added = catalog.instanceTypes.find((t) => t.name === 'p5.2xlarge');
  assert.equal(added.pricePerHour, '4');
  assert.equal(added.source, 'sample-2030-01-02');
  assert.equal(names[names.indexOf('p5.2xlarge') - 1].split('.')[0], 'p5');   // beside its family
  assert.equal(catalog.instanceTypes.find((t) => t.name === 'p5.48xlarge').pricePerHour, '50');
  assert.ok(!names.includes('p3.2xlarge'));
  assert.equal(catalog.sources['sample-2030-01-02'].date, '2030-01-02');
  fs.rmSync(dir, { recursive: true, force: true });
});
