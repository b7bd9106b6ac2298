// The etag scenario, Koa.js side (koa-etag 5 + koa-conditional-get 3): see app.py, its twin.
'use strict'
const fs = require('fs')
const Koa = require('koa')
const conditional = require('koa-conditional-get')
const etag = require('koa-etag').default
const { Readable } = require('stream')

const MODIFIED = new Date('2024-10-01T10:00:00Z')

async function routes (ctx) {
  switch (ctx.path) {
    case '/text': ctx.body = 'Hello World'; return
    case '/unicode': ctx.body = '论 and ünïcode'; return
    case '/json': ctx.body = { foo: 'bar', n: [1, 2, 3] }; return
    case '/array': ctx.body = [1, 'two', null]; return
    case '/number': ctx.body = 42; return
    case '/buffer': ctx.body = Buffer.from('Hello World'); return
    case '/empty-buffer': ctx.body = Buffer.alloc(0); return
    case '/empty': ctx.body = ''; return
    case '/file': ctx.body = fs.createReadStream('file.txt'); return
    case '/stream': ctx.type = 'text/plain'; ctx.body = Readable.from(['streamed']); return
    case '/existing': ctx.etag = 'custom'; ctx.body = 'Hello World'; return
    case '/existing-weak': ctx.etag = 'W/"custom"'; ctx.body = 'Hello World'; return
    case '/created': ctx.status = 201; ctx.body = 'Hello World'; return
    case '/redirect': ctx.redirect('/text'); return
    case '/error': ctx.throw(400, 'nope')
    case '/dated': ctx.lastModified = MODIFIED; ctx.body = 'dated'; return
    case '/dated-tagged': ctx.lastModified = MODIFIED; ctx.body = 'Hello World'; return
  }
}

function make (conditionalGet, options) {
  const app = new Koa()
  app.silent = true
  if (conditionalGet) app.use(conditional())
  app.use(etag(options))
  app.use(routes)
  return app
}

module.exports = {
  apps: {
    main: make(true),
    weak: make(true, { weak: true }),
    strong: make(true, { weak: false }),
    tagonly: make(false)
  }
}
