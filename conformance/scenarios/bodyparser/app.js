// The bodyparser scenario, Koa.js side (@koa/bodyparser 6.1): see app.py.
'use strict'
const Koa = require('koa')
const { bodyParser } = require('@koa/bodyparser')

const u = (v) => (v === undefined ? null : v)

function make (options, before) {
  const app = new Koa()
  app.silent = true
  app.use(async (ctx, next) => {
    if (ctx.path === '/disabled') ctx.disableBodyParser = true
    if (ctx.path === '/preset') ctx.request.body = { preset: true }
    if (ctx.path === '/raw') ctx.req.body = { fromReq: true }
    await next()
  })
  app.use(options === undefined ? bodyParser() : bodyParser(options))
  app.use(async (ctx) => {
    ctx.body = { body: u(ctx.request.body), rawBody: u(ctx.request.rawBody) }
  })
  return app
}

module.exports = {
  apps: {
    main: make(),
    all: make({ enableTypes: ['json', 'form', 'text', 'xml'] }),
    limits: make({ enableTypes: ['json', 'form', 'text', 'xml'], jsonLimit: 20, formLimit: 20, textLimit: 20, xmlLimit: 20 }),
    lax: make({ jsonStrict: false }),
    extend: make({ enableTypes: ['json', 'form', 'text'], extendTypes: { json: ['application/x-javascript'], form: ['application/x-my-form'], text: ['text/x-custom'] } }),
    detect: make({ detectJSON: (ctx) => /\.json$/i.test(ctx.path) }),
    onerror: make({ onError: (err, ctx) => { ctx.throw(422, 'body parse error: ' + err.status) } }),
    methods: make({ parsedMethods: ['POST', 'DELETE', 'GET'] }),
    latin1: make({ enableTypes: ['json', 'form', 'text'], encoding: 'latin1' }),
    raw: make({ enableRawChecking: true })
  }
}
