#!/usr/bin/env node
// Refreshes the on-demand prices of src/Multinode.Infra/Catalog/instance-types.json from AWS's public Price List
// (the EC2 offer file of one region), keeping the catalog's types and shapes, and sets its date and source.
//
// Usage: node scripts/update-catalog.mjs OFFER_FILE [--catalog PATH] [--out PATH]
//   OFFER_FILE: https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json
//   (downloaded beforehand; several GB). Prices taken: Linux, shared tenancy, no pre-installed software,
//   capacity status "Used", OnDemand terms, USD per hour.
// Types the offer file does not price keep their price and are listed on stderr; the run fails if none matched.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const here = dirname(fileURLToPath(import.meta.url));
const catalogPath = option("--catalog") ?? join(here, "..", "src", "Multinode.Infra", "Catalog", "instance-types.json");
const outPath = option("--out") ?? catalogPath;
const [offerPath] = args;
if (!offerPath) { console.error("usage: node scripts/update-catalog.mjs OFFER_FILE [--catalog PATH] [--out PATH]"); process.exit(2); }

const catalog = JSON.parse(readFileSync(catalogPath, "utf8"));
const offer = JSON.parse(readFileSync(offerPath, "utf8"));
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
if (prices.size === 0) { console.error(`no catalog type is priced in ${offerPath}`); process.exit(1); }
for (const t of catalog.instanceTypes) {
  if (prices.has(t.name)) t.pricePerHour = String(Number(prices.get(t.name)));
  else console.error(`not in the offer file, price kept: ${t.name}`);
}
const date = (offer.publicationDate ?? new Date().toISOString()).slice(0, 10);
catalog.date = date;
catalog.source = `AWS Price List API, EC2 offer file for ${catalog.region} (version ${offer.version ?? "unknown"}, published ${date}), by scripts/update-catalog.mjs`;
delete catalog.corrections;
// One type per line, as the file is written by hand too.
const lines = JSON.stringify({ ...catalog, instanceTypes: [] }, null, 2).replace(/"instanceTypes": \[\]/,
  `"instanceTypes": [\n${catalog.instanceTypes.map((t) => `    ${JSON.stringify(t).replace(/":/g, "\": ").replace(/,"/g, ", \"")}`).join(",\n")}\n  ]`);
writeFileSync(outPath, lines + "\n");
console.log(`${outPath}: ${prices.size} of ${catalog.instanceTypes.length} types priced, dated ${date}`);
