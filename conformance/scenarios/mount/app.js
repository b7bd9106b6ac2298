// The mount scenario, Koa.js side (koa-mount 4): see app.py, its twin.
'use strict'
const Koa = require('koa')
const mount = require('koa-mount')

const u = (v) => (v === undefined ? null : v)

function echo (label) {
  return async (ctx, next) => {
    if (ctx.path === '/pass' || ctx.path.endsWith('/pass')) return next()
    ctx.body = {
      label,
      path: ctx.path,
      url: ctx.url,
      originalUrl: ctx.originalUrl,
      mountPath: u(ctx.mountPath),
      query: ctx.query,
      querystring: ctx.querystring
    }
  }
}

function sub (label) {
  const app = new Koa()
  app.use(echo(label))
  return app
}

const inner = sub('inner')
const outer = new Koa()
outer.use(mount('/inner', inner))
outer.use(echo('outer'))

const failing = new Koa()
failing.use(async (ctx) => { ctx.throw(418, 'sub teapot') })

const statusApp = new Koa()
statusApp.use(async (ctx) => { ctx.status = 204 })

const main = new Koa()
main.silent = true
main.use(async (ctx, next) => {
  await next()
  ctx.set('X-After-Path', ctx.path)
  if (ctx.query.after) ctx.set('X-After-Mount', String(u(ctx.mountPath)))
})
main.use(mount('/a', sub('a')))
main.use(mount('/b/', sub('b-trailing')))
main.use(mount('/nested', outer))
main.use(mount('/mw', echo('middleware')))
main.use(mount('/err', failing))
main.use(mount('/empty', statusApp))
main.use(mount('/caf%C3%A9', echo('encoded-prefix')))
main.use(mount('/a.b', echo('dotted')))
main.use(async (ctx, next) => {
  if (ctx.path.startsWith('/a') || ctx.path.startsWith('/b') || ctx.path.startsWith('/nested')) {
    ctx.body = { label: 'fallthrough', path: ctx.path, mountPath: u(ctx.mountPath) }
    return
  }
  await next()
})
main.use(mount(sub('root')))

module.exports = main
