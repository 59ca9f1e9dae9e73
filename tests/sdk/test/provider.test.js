'use strict';
// An explicit Provider instance with typed config, on a stack whose default provider targets aws.
const { it } = require('node:test');
const { checkExplicitProvider } = require('../lib/scenarios');

it('aws stack: a Function on an explicit kubernetes Provider', () => checkExplicitProvider('aws', true));
