// The basic-auth scenario, Koa.js side (koa-basic-auth 4): see app.py, its twin.
'use strict'
const Koa = require('koa')
const auth = require('koa-basic-auth')

async function secret (ctx) {
  ctx.body = { secret: true, method: ctx.method, path: ctx.path }
}

function make (opts, before) {
  const app = new Koa()
  app.silent = true
  if (before) app.use(before)
  app.use(auth(opts))
  app.use(secret)
  return app
}

// custom 401 handling, as in koa-basic-auth's README
async function custom401 (ctx, next) {
  try {
    await next()
  } catch (err) {
    if (err.status === 401) {
      ctx.status = 401
      ctx.set('WWW-Authenticate', 'Basic')
      ctx.body = 'cant haz that'
    } else {
      throw err
    }
  }
}

module.exports = {
  apps: {
    main: make({ name: 'user', pass: 'pass' }),
    realm: make({ name: 'user', pass: 'pass', realm: 'custom "message"' }),
    nameonly: make({ name: 'user' }),
    passonly: make({ pass: 'pass' }),
    unicode: make({ name: 'jörg', pass: 'pässwörd€:x' }),
    custom: make({ name: 'tj', pass: 'tobi' }, custom401)
  }
}
