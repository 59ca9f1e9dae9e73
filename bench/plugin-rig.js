'use strict';
// What the plugin's memory benchmarks share: the provider config each target is booted with, and a process's
// resident set from /proc.
const fs = require('node:fs');

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;
}

function targetConfig(target) {
  return target === 'aws'
    ? { target, aws: { subnetIds: ['subnet-a', 'subnet-b'], vpcId: 'vpc-1' } }
    : { target };
}

module.exports = { rssMb, targetConfig };
