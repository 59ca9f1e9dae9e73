'use strict';
// The packed SDK as a user runs it, on kubernetes: preview and update of every kind, and an invalid input.
const { it } = require('node:test');
const { checkAllKinds, checkInvalid } = require('../lib/scenarios');

it('kubernetes: preview of all five kinds', () => checkAllKinds('kubernetes', true));
it('kubernetes: update of all five kinds', () => checkAllKinds('kubernetes', false));
it('kubernetes: an invalid input ends the program with the property named', () => checkInvalid('kubernetes'));
