// The jwt scenario, Koa.js side (koa-jwt 4): see app.py, its twin.
'use strict'
const Koa = require('koa')
const jwt = require('koa-jwt')

const SECRET = 'conformance-shared-secret-of-32-bytes-and-more'
const OTHER = 'conformance-other-secret-also-32-bytes-or-more'
const u = (v) => (v === undefined ? null : v)

async function echo (ctx) {
  ctx.body = {
    user: u(ctx.state.user),
    jwtdata: u(ctx.state.jwtdata),
    raw: u(ctx.state.raw),
    failed: ctx.state.jwtOriginalError !== undefined
  }
}

function make (opts, before) {
  const app = new Koa()
  app.silent = true
  if (before) app.use(before)
  app.use(opts.unless ? jwt(opts.jwt).unless(opts.unless) : jwt(opts))
  app.use(echo)
  return app
}

async function chooseSecret (ctx, next) {
  const id = ctx.get('X-Secret-Id')
  if (id === 'other') ctx.state.secret = OTHER
  if (id === 'main') ctx.state.secret = SECRET
  await next()
}

module.exports = {
  apps: {
    main: make({ secret: SECRET }),
    debug: make({ secret: SECRET, debug: true }),
    passthrough: make({ secret: SECRET, passthrough: true }),
    cookie: make({ secret: SECRET, cookie: 'jwt', debug: true }),
    claims: make({ secret: SECRET, audience: 'urn:api', issuer: 'urn:idp', debug: true }),
    rolling: make({ secret: [OTHER, SECRET], debug: true }),
    keys: make({ secret: SECRET, key: 'jwtdata', tokenKey: 'raw' }),
    gettoken: make({ secret: SECRET, debug: true, getToken: (ctx) => ctx.query.token || null }),
    revoked: make({
      secret: SECRET,
      debug: true,
      isRevoked: async (ctx, payload) => payload.sub === 'revoked'
    }),
    provider: make({
      secret: async (header) => ({ k1: SECRET, k2: OTHER })[header.kid],
      debug: true
    }),
    state: make({ secret: SECRET, debug: true }, chooseSecret),
    unless: make({
      jwt: { secret: SECRET },
      unless: { path: [/^\/public/, '/login'], method: 'OPTIONS', ext: '.css' }
    })
  }
}
