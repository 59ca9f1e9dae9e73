#!/usr/bin/env node
// Regenerates src/Multinode.Infra/Workloads/time-zones.json, the embedded table of canonical IANA time zones and
// the links (backward-compatible names such as US/Eastern) that point at them, so that validation never depends
// on the machine's own tzdata.
//
// Usage: node scripts/update-timezones.mjs [TZDATA_FILE...]
//   TZDATA_FILE: a compiled tzdata.zi (Debian's tzdata package: /usr/share/zoneinfo/tzdata.zi, the default) or tz
//   source files (e.g. `backward` plus the region files) from https://www.iana.org/time-zones.
// "UTC" stays a zone of its own: it is the default of timeZone and both AWS and Kubernetes accept it.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const files = process.argv.slice(2);
if (files.length === 0) files.push("/usr/share/zoneinfo/tzdata.zi");

const zones = new Set();
const links = new Map();
let version = "unknown";
for (const file of files) {
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const versionLine = /^# version (\S+)/.exec(raw);
    if (versionLine) version = versionLine[1];
    const line = raw.replace(/#.*/, "").trim();
    const parts = line.split(/\s+/);
    if (parts[0] === "Z" || parts[0] === "Zone") zones.add(parts[1]);
    else if (parts[0] === "L" || parts[0] === "Link") links.set(parts[2], parts[1]);
  }
}
links.delete("UTC");
zones.add("UTC");
// A link may point at another link in source files; follow it to the zone.
const resolve = (name) => {
  const seen = new Set();
  while (links.has(name) && !seen.has(name)) { seen.add(name); name = links.get(name); }
  return name;
};
const table = {
  source: `IANA tzdata ${version} (${files.map((f) => f.split("/").pop()).join(", ")}), by scripts/update-timezones.mjs`,
  zones: [...zones].sort(),
  links: Object.fromEntries([...links.keys()].sort().map((link) => [link, resolve(link)])),
};
for (const [link, target] of Object.entries(table.links))
  if (!zones.has(target)) throw new Error(`${link} points at ${target}, which is no zone`);
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "Multinode.Infra", "Workloads", "time-zones.json");
writeFileSync(out, JSON.stringify(table, null, 1) + "\n");
console.log(`${out}: ${table.zones.length} zones, ${Object.keys(table.links).length} links (${table.source})`);
