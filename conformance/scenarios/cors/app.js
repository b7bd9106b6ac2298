// The cors scenario, Koa.js side (@koa/cors 5): see app.py, its twin.
'use strict'
const Koa = require('koa')
const cors = require('@koa/cors')

async function routes (ctx) {
  switch (ctx.path) {
    case '/':
    case '/forbin':
      ctx.body = { foo: 'bar' }
      return
    case '/error':
      ctx.body = { foo: 'bar' }
      ctx.set('X-Example', 'Value')
      throw new Error('Whoops!')
    case '/vary-error': {
      const err = new Error('Whoops!')
      err.headers = { Vary: 'Accept-Encoding' }
      throw err
    }
    case '/vary-star-error': {
      const err = new Error('Whoops!')
      err.headers = { Vary: '*' }
      throw err
    }
    case '/vary-origin-error': {
      const err = new Error('Whoops!')
      err.headers = { Vary: 'Origin, Accept-Encoding' }
      throw err
    }
    case '/401':
      ctx.throw(401, 'Please log in', { headers: { 'WWW-Authenticate': 'Basic' } })
  }
}

function make (options, before) {
  const app = new Koa()
  app.silent = true
  if (before) app.use(before)
  app.use(cors(options))
  app.use(routes)
  return app
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const allowed = new Set(['https://app.example', 'https://admin.example'])

module.exports = {
  apps: {
    main: make(),
    star: make({ origin: '*' }),
    fixed: make({ origin: 'https://app.example' }),
    reflect: make({ origin: (ctx) => ctx.get('Origin') || '*' }),
    fn: make({ origin: (ctx) => (ctx.url === '/forbin' ? false : '*') }),
    async_fn: make({
      origin: async (ctx) => {
        await sleep(5)
        return ctx.url === '/forbin' ? false : '*'
      }
    }),
    allowlist: make({
      origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : null),
      credentials: true,
      maxAge: 600
    }),
    credentials: make({ credentials: true }),
    credentials_fn: make({ credentials: (ctx) => ctx.url !== '/forbin' }),
    star_credentials: make({ origin: '*', credentials: true }),
    star_no_credentials: make({ origin: '*', credentials: false }),
    expose: make({ exposeHeaders: ['content-length', 'x-header'] }),
    expose_str: make({ exposeHeaders: 'content-length' }),
    max_age: make({ maxAge: 3600 }),
    max_age_str: make({ maxAge: '3600' }),
    max_age_zero: make({ maxAge: 0 }),
    allow_headers: make({ allowHeaders: 'X-PINGOTHER' }),
    allow_headers_list: make({ allowHeaders: ['X-PINGOTHER', 'X-Other'] }),
    methods_list: make({ allowMethods: ['GET', 'POST'] }),
    methods_null: make({ allowMethods: null }),
    no_keep: make({ keepHeadersOnError: false }),
    secure: make({ secureContext: true }),
    pna: make({ privateNetworkAccess: true }),
    vary_before: make({}, (ctx, next) => {
      ctx.set('Vary', 'Accept-Encoding')
      return next()
    })
  }
}
