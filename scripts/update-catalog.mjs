#!/usr/bin/env node
// Refreshes the on-demand prices of src/Multinode.Infra/Catalog/instance-types.json and records, for every row, the
// dated source its price comes from ("source", a key of the catalog's "sources"). Two kinds of input, in any number:
//
//   node scripts/update-catalog.mjs [OFFER_FILE] [--prices FILE]... [--catalog PATH] [--out PATH]
//
// OFFER_FILE: AWS's EC2 offer file of the catalog's region (Price List API), downloaded beforehand (several GB):
//   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json
//   Prices taken: Linux, shared tenancy, no pre-installed software, capacity status "Used", OnDemand, USD per hour.
//   It prices the catalog's existing types only.
// --prices FILE: a recorded price list (scripts/catalog-sources/*.json) for machines where the offer file cannot be
//   fetched: {id, date, region, source, method, types: [{name, pricePerHour, and for a type new to the catalog its
//   vcpus, memoryGiB and gpu}], unpriced: [{name, reason}]}. Its types are priced (and new ones added beside their
//   family); its unpriced types are removed, since a price that cannot be sourced is not listed.
//
// Inputs apply in the order given, later ones winning. Types no input prices keep their price and source (listed on
// stderr). The catalog's "date" becomes the oldest date among the sources its rows use.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const here = dirname(fileURLToPath(import.meta.url));
const catalogPath = option("--catalog") ?? join(here, "..", "src", "Multinode.Infra", "Catalog", "instance-types.json");
const outPath = option("--out") ?? catalogPath;
const priceLists = [];
for (let file; (file = option("--prices")) !== undefined;) priceLists.push(file);
const [offerPath] = args;
if (!offerPath && priceLists.length === 0) {
  console.error("usage: node scripts/update-catalog.mjs [OFFER_FILE] [--prices FILE]... [--catalog PATH] [--out PATH]");
  process.exit(2);
}

const catalog = JSON.parse(readFileSync(catalogPath, "utf8"));
catalog.sources ??= {};
const family = (name) => name.split(".")[0];
let priced = 0;

/** The hourly price of each catalog type in an EC2 offer file. */
function offerPrices(path) {
  const offer = JSON.parse(readFileSync(path, "utf8"));
  const wanted = new Set(catalog.instanceTypes.map((t) => t.name));
  const skus = new Map();
  for (const [sku, product] of Object.entries(offer.products ?? {})) {
    const a = product.attributes ?? {};
    if (!wanted.has(a.instanceType) || a.operatingSystem !== "Linux" || a.tenancy !== "Shared" ||
        a.preInstalledSw !== "NA" || (a.capacitystatus ?? "Used") !== "Used" ||
        (a.regionCode && a.regionCode !== catalog.region)) continue;
    skus.set(sku, a.instanceType);
  }
  const prices = new Map();
  for (const [sku, terms] of Object.entries(offer.terms?.OnDemand ?? {})) {
    const type = skus.get(sku);
    if (!type) continue;
    for (const term of Object.values(terms))
      for (const dimension of Object.values(term.priceDimensions ?? {}))
        if (dimension.unit === "Hrs" && dimension.pricePerUnit?.USD) prices.set(type, dimension.pricePerUnit.USD);
  }
  if (prices.size === 0) { console.error(`no catalog type is priced in ${path}`); process.exit(1); }
  const date = (offer.publicationDate ?? "").slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) { console.error(`${path} has no publicationDate`); process.exit(1); }
  const id = `aws-offer-${date}`;
  catalog.sources[id] = {
    date,
    source: `AWS Price List API, EC2 offer file for ${catalog.region} (version ${offer.version ?? "unknown"}, published ${date})`,
  };
  for (const [name, price] of prices) setPrice(name, String(Number(price)), id);
}

/** Prices from a recorded price list; new types are inserted after the last row of their family. */
function listPrices(path) {
  const list = JSON.parse(readFileSync(path, "utf8"));
  if (list.region !== catalog.region) { console.error(`${path} prices ${list.region}, the catalog ${catalog.region}`); process.exit(1); }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(list.date ?? "")) { console.error(`${path} has no date`); process.exit(1); }
  catalog.sources[list.id] = { date: list.date, source: list.source, method: list.method };
  for (const { name, reason } of list.unpriced ?? []) {
    const before = catalog.instanceTypes.length;
    catalog.instanceTypes = catalog.instanceTypes.filter((t) => t.name !== name);
    if (catalog.instanceTypes.length < before) console.error(`removed ${name}: ${reason}`);
  }
  for (const t of list.types) {
    if (!catalog.instanceTypes.some((c) => c.name === t.name)) {
      if (t.vcpus === undefined || t.memoryGiB === undefined) { console.error(`${path}: new type ${t.name} has no shape`); process.exit(1); }
      const row = { name: t.name, vcpus: t.vcpus, memoryGiB: t.memoryGiB, ...(t.gpu ? { gpu: t.gpu } : {}), pricePerHour: "" };
      const last = catalog.instanceTypes.findLastIndex((c) => family(c.name) === family(t.name) ||
        (t.gpu && c.gpu?.type === t.gpu.type));
      catalog.instanceTypes.splice(last < 0 ? catalog.instanceTypes.length : last + 1, 0, row);
      console.error(`added ${t.name}`);
    }
    setPrice(t.name, t.pricePerHour, list.id);
  }
}

function setPrice(name, price, source) {
  const row = catalog.instanceTypes.find((t) => t.name === name);
  if (!row) return;
  row.pricePerHour = price;
  row.source = source;
  priced++;
}

if (offerPath) offerPrices(offerPath);
for (const path of priceLists) listPrices(path);
for (const t of catalog.instanceTypes)
  if (!catalog.sources[t.source]) { console.error(`${t.name} has no dated source`); process.exit(1); }
const used = [...new Set(catalog.instanceTypes.map((t) => t.source))];
for (const id of Object.keys(catalog.sources)) if (!used.includes(id)) delete catalog.sources[id];
catalog.date = used.map((id) => catalog.sources[id].date).sort()[0];
catalog.source = "AWS on-demand prices per instance type, each row from the dated source it names (\"sources\"), by scripts/update-catalog.mjs";
delete catalog.corrections;
// One type per line, as the file is read by people too.
const { instanceTypes, ...head } = catalog;
const lines = JSON.stringify({ ...head, instanceTypes: [] }, null, 2).replace(/"instanceTypes": \[\]/,
  `"instanceTypes": [\n${instanceTypes.map((t) => `    ${JSON.stringify(t).replace(/":/g, "\": ").replace(/,"/g, ", \"")}`).join(",\n")}\n  ]`);
writeFileSync(outPath, lines + "\n");
console.log(`${outPath}: ${priced} prices set, ${instanceTypes.length} types, dated ${catalog.date}`);
