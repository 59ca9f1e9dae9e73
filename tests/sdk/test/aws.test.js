'use strict';
// The packed SDK as a user runs it, on aws: preview and update of every kind, and an invalid input.
const { it } = require('node:test');
const { checkAllKinds, checkInvalid } = require('../lib/scenarios');

it('aws: preview of all five kinds', () => checkAllKinds('aws', true));
it('aws: update of all five kinds', () => checkAllKinds('aws', false));
it('aws: an invalid input ends the program with the property named', () => checkInvalid('aws'));
