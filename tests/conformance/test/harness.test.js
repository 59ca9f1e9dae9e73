'use strict';
// The checks that will judge the targets' children, judged themselves: a synthetic Construct with children,
// references, secrets and options passes, and each kind of mistake is caught.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { providerPb, toStruct, secret, UNKNOWN, CHILD_VERSIONS } = require('../lib/harness');
const { checkRegistrations } = require('../lib/engine');

const STACK = 'urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev';
const COMPONENT = 'urn:pulumi:dev::proj::multinode:index:Function::square';
const child = (type, name) => `urn:pulumi:dev::proj::multinode:index:Function$${type}::${name}`;
const PROVIDERS = { aws: 'urn:pulumi:dev::proj::pulumi:providers:aws::p::id' };

const plan = {
  workloads: [{ name: 'square', outputs: { queue: { resource: 'square-queue', property: 'url' } } }],
  resources: [
    { type: 'aws:sqs/queue:Queue', name: 'square-queue', parent: 'square', dependsOn: [], inputs: { name: 'square', env: { secret: true } } },
    {
      type: 'aws:autoscaling/group:Group', name: 'square-asg', parent: 'square', dependsOn: ['square-queue'],
      inputs: { maxSize: 20, queueUrl: { resource: 'square-queue', property: 'url' } }, options: { deleteBeforeReplace: true, ignoreChanges: ['desiredCapacity'] },
    },
  ],
};

/** What a correct plugin would have registered for the plan above, in `pulumi up`. */
function scenario() {
  const queue = child('aws:sqs/queue:Queue', 'square-queue');
  const asg = child('aws:autoscaling/group:Group', 'square-asg');
  const common = { custom: true, remote: false, acceptSecrets: true, acceptResources: true, version: CHILD_VERSIONS.aws, provider: PROVIDERS.aws,
    providers: {}, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], deleteBeforeReplace: false, deleteBeforeReplaceDefined: false, propertyDependencies: {}, dependencies: [] };
  const registrations = [
    { urn: COMPONENT, type: 'multinode:index:Function', name: 'square', parent: STACK, custom: false, remote: false, object: {}, acceptSecrets: true, acceptResources: true, providers: PROVIDERS,
      outputs: { queue: 'https://sqs/square' } },
    { ...common, urn: queue, type: 'aws:sqs/queue:Queue', name: 'square-queue', parent: COMPONENT, object: { name: 'square', env: secret('v') } },
    { ...common, urn: asg, type: 'aws:autoscaling/group:Group', name: 'square-asg', parent: COMPONENT, object: { maxSize: 20, queueUrl: 'https://sqs/square' },
      dependencies: [queue], propertyDependencies: { queueUrl: [queue] }, ignoreChanges: ['desiredCapacity'], deleteBeforeReplace: true, deleteBeforeReplaceDefined: true },
  ];
  const outputs = new Map([[queue, { id: 'q', object: { name: 'square', env: secret('v'), url: 'https://sqs/square' } }], [asg, { id: 'a', object: {} }]]);
  const response = new providerPb.ConstructResponse().setUrn(COMPONENT).setState(toStruct({ queue: 'https://sqs/square' }));
  response.getStatedependenciesMap().set('queue', new providerPb.ConstructResponse.PropertyDependencies().setUrnsList([queue]));
  return { monitor: { registrations, outputs, stackUrn: STACK }, response };
}

const check = ({ monitor, response }, dryRun = false) => checkRegistrations({
  monitor, plan, type: 'multinode:index:Function', name: 'square', response, providers: PROVIDERS, dryRun,
});

describe('checkRegistrations', () => {
  it('accepts a correct Construct with children', () => {
    check(scenario());
  });

  const mistakes = {
    'a missing child': (s) => s.monitor.registrations.pop(),
    'a child under the wrong parent': (s) => { s.monitor.registrations[2].parent = STACK; },
    'a secret sent in the clear': (s) => { s.monitor.registrations[1].object.env = 'v'; },
    'an unresolved reference': (s) => { s.monitor.registrations[2].object.queueUrl = UNKNOWN; },
    'a missing dependency': (s) => { s.monitor.registrations[2].dependencies = []; },
    'a missing property dependency': (s) => { s.monitor.registrations[2].propertyDependencies = {}; },
    'a dependency registered after its dependent': (s) => { const r = s.monitor.registrations; [r[1], r[2]] = [r[2], r[1]]; },
    'the wrong provider': (s) => { s.monitor.registrations[1].provider = ''; },
    'the wrong plugin version': (s) => { s.monitor.registrations[1].version = '6.0.0'; },
    'a lost option': (s) => { s.monitor.registrations[2].deleteBeforeReplace = false; },
    'an integer that is not one': (s) => { s.monitor.registrations[2].object.maxSize = 20.5; },
    'wrong component outputs': (s) => { s.monitor.registrations[0].outputs = {}; },
    'missing state dependencies': (s) => { s.response.getStatedependenciesMap().clear(); },
    'a remote component': (s) => { s.monitor.registrations[0].remote = true; },
  };
  for (const [name, mutate] of Object.entries(mistakes)) {
    it(`catches ${name}`, () => {
      const s = scenario();
      mutate(s);
      assert.throws(() => check(s), assert.AssertionError);
    });
  }
});
