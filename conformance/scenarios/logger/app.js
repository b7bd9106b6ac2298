// The logger scenario, Koa.js side (koa-logger 4): see app.py, its twin.
// koa-logger prints with console.log (stdout); the runner compares the lines.
'use strict'
const { Readable } = require('stream')
const Koa = require('koa')
const logger = require('koa-logger')

async function routes (ctx, next) {
  switch (ctx.path) {
    case '/200': ctx.body = 'hello world'; return
    case '/200-stream': ctx.body = Readable.from([Buffer.from('hello '), Buffer.from('stream')]); return
    case '/301': ctx.status = 301; ctx.redirect('/200'); return
    case '/304': ctx.status = 304; return
    case '/204': ctx.status = 204; return
    case '/404': ctx.status = 404; ctx.body = 'not found'; return
    case '/500': ctx.status = 500; ctx.body = 'server error'; return
    case '/error': throw new Error('oh no')
    case '/throw-400': ctx.throw(400, 'bad')
    case '/json': ctx.body = { a: 1, é: 'ü' }; return
    case '/empty': ctx.body = ''; return
    case '/null': ctx.body = null; return
    case '/unicode': ctx.body = 'héllo ☃'; return
    case '/2kb': ctx.body = 'x'.repeat(2048); return
    case '/1500b': ctx.body = 'y'.repeat(1500); return
    case '/1mb': ctx.body = Buffer.alloc(1024 * 1024, 97); return
    case '/buffer': ctx.body = Buffer.from('buffer body'); return
    case '/status-only': ctx.status = 202; return
    case '/custom-status': ctx.status = 799; ctx.body = 'odd'; return
    case '/length-header': ctx.set('Content-Length', '5'); ctx.body = 'abcde'; return
    default: await next()
  }
}

function make (options) {
  const app = new Koa()
  app.silent = true
  app.use(options === undefined ? logger() : logger(options))
  app.use(routes)
  return app
}

module.exports = {
  apps: {
    main: make(),
    transporter: make({ transporter: (line) => { process.stdout.write('T| ' + line + '\n') } }),
    fn: make((line) => { process.stdout.write('F| ' + line + '\n') })
  }
}
