// The compress scenario, Koa.js side (koa-compress 5): see app.py, its twin.
'use strict'
const Koa = require('koa')
const compress = require('koa-compress')
const { Readable } = require('stream')

let TEXT = ''
for (let i = 0; i < 200; i++) TEXT += `line ${i}: the quick brown fox jumps over the lazy dog\n`
const SMALL = 'x'.repeat(100)
const ITEMS = { items: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item ${i}` })) }

async function routes (ctx) {
  switch (ctx.path) {
    case '/text': ctx.body = TEXT; return
    case '/small': ctx.body = SMALL; return
    case '/exact': ctx.body = 'y'.repeat(1024); return
    case '/below': ctx.body = 'y'.repeat(1023); return
    case '/json': ctx.body = ITEMS; return
    case '/html': ctx.body = '<p>' + TEXT + '</p>'; return
    case '/buffer': ctx.body = Buffer.from(TEXT); return
    case '/forced': ctx.compress = true; ctx.body = Buffer.from(TEXT); return
    case '/off': ctx.compress = false; ctx.body = TEXT; return
    case '/options': ctx.compress = { threshold: 0, br: false, gzip: { level: 0 } }; ctx.body = SMALL; return
    case '/png': ctx.type = 'image/png'; ctx.body = Buffer.from(TEXT); return
    case '/svg': ctx.type = 'image/svg+xml'; ctx.body = TEXT; return
    case '/js': ctx.type = 'js'; ctx.body = TEXT; return
    case '/made-up': ctx.type = 'application/x-made-up'; ctx.body = TEXT; return
    case '/made-up-json': ctx.type = 'application/x-made-up+json'; ctx.body = TEXT; return
    case '/no-transform': ctx.set('Cache-Control', 'public, no-transform'); ctx.body = TEXT; return
    case '/transform-ok': ctx.set('Cache-Control', 'no-transform-thingy'); ctx.body = TEXT; return
    case '/encoded': ctx.set('Content-Encoding', 'identity'); ctx.body = TEXT; return
    case '/stream':
      ctx.type = 'text/plain'
      ctx.body = Readable.from([TEXT.slice(0, 3000), TEXT.slice(3000)])
      return
    case '/stream-short':
      ctx.type = 'text/plain'
      ctx.length = 100
      ctx.body = Readable.from([SMALL])
      return
    case '/empty': ctx.body = ''; return
    case '/204': ctx.status = 204; return
    case '/304': ctx.body = TEXT; ctx.status = 304; return
    case '/206':
      ctx.body = TEXT
      ctx.status = 206
      ctx.set('Content-Range', `bytes 0-${TEXT.length - 1}/${TEXT.length * 2}`)
      return
    case '/teapot': ctx.throw(418, 'teapot')
  }
}

function make (options) {
  const app = new Koa()
  app.silent = true
  app.use(compress(options))
  app.use(routes)
  return app
}

module.exports = {
  apps: {
    main: make(),
    level0: make({ threshold: 0, gzip: { level: 0 }, deflate: { level: 0 } }),
    star: make({ defaultEncoding: '*', gzip: { level: 0 } }),
    wildcard: make({ wildcardAcceptEncoding: 'deflate', deflate: { level: 0 } }),
    nobr: make({ br: false, gzip: { level: 0 }, deflate: { level: 0 } }),
    filter: make({ filter: (type) => /text/i.test(type) }),
    kb: make({ threshold: '2kb' }),
    fn: make({
      threshold: (type, size) => (size > 5000 ? 0 : 100000),
      br: (type, size) => (size >= 5000 ? {} : false)
    }),
    pref: make({ encodingPreference: ['gzip', 'deflate', 'br', 'identity'], gzip: { level: 0 } })
  }
}
