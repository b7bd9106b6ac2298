// Prints a token signed by the npm `jsonwebtoken` package.
// usage: node sign.js '<payload JSON>' '<secret>' '<options JSON>'
'use strict';
const jwt = require('jsonwebtoken');

const [payload, secret, options] = process.argv.slice(2);
process.stdout.write(jwt.sign(JSON.parse(payload), secret, JSON.parse(options || '{}')));
