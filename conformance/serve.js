// Starts the Koa.js app(s) of one conformance scenario on loopback ports the
// OS picks, and prints "LISTENING <name> <port>" per app, then "READY".
// Usage: node serve.js <scenario dir>. The scenario's app.js exports a Koa app,
// or { apps: { main: app, other: app2 } } when its requests target several apps.
'use strict'
const path = require('path')

const dir = path.resolve(process.argv[2])
process.chdir(dir)
const exported = require(path.join(dir, 'app.js'))
const apps = exported && exported.apps ? exported.apps : { main: exported }

const names = Object.keys(apps)
let pending = names.length
for (const name of names) {
  const server = apps[name].listen(0, '127.0.0.1', () => {
    process.stdout.write(`LISTENING ${name} ${server.address().port}\n`)
    if (--pending === 0) process.stdout.write('READY\n')
  })
}
