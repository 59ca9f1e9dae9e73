'use strict';
// Preloaded (`node --require`) into the program runner that `multinode` (node/recorder.js) and tests/sdk start. @pulumi/pulumi 3.248's runner prints a
// failed program's error with util.inspect(err, { colors: true }) (cmd/run/error.js); on Node 20.20 and 22 that call
// can loop for ever on such an error, so the program never exits. Inspecting without colours prints the same text.
const util = require('node:util');
const inspect = util.inspect;
function plainInspect(value, options) {
  if (options && typeof options === 'object' && options.colors) return inspect(value, { ...options, colors: false });
  return inspect.apply(this, arguments);
}
Object.assign(plainInspect, inspect);
util.inspect = plainInspect;
