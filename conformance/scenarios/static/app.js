// The static scenario, Koa.js side (koa-static 5 + koa-send 5): see app.py.
// Every app serves ./public (the same files for both servers).
'use strict'
const Koa = require('koa')
const serve = require('koa-static')
const send = require('koa-send')
const { basename } = require('path')

function staticApp (options, downstream) {
  const app = new Koa()
  app.silent = true
  if (options && options.defer) {
    app.use(serve('public', options))
    app.use(async (ctx, next) => {
      if (ctx.path === '/set-by-downstream') ctx.body = 'downstream answered'
      if (ctx.path === '/hello.txt' && ctx.query.claim) ctx.body = 'claimed'
      await next()
    })
    return app
  }
  app.use(serve('public', options))
  app.use(async (ctx) => {
    if (ctx.path === '/downstream') ctx.body = 'downstream answered'
  })
  return app
}

const sendApp = new Koa()
sendApp.silent = true
sendApp.use(async (ctx) => {
  if (ctx.path === '/empty') {
    await send(ctx, '', { root: 'public' })
    return
  }
  if (ctx.path.startsWith('/index-opt/')) {
    await send(ctx, ctx.path.slice('/index-opt'.length), { root: 'public', index: 'index.html' })
    return
  }
  await send(ctx, ctx.path, { root: 'public' })
})

module.exports = {
  apps: {
    main: staticApp(),
    hidden: staticApp({ hidden: true }),
    noindex: staticApp({ index: false }),
    customindex: staticApp({ index: 'page.html' }),
    defer: staticApp({ defer: true }),
    maxage: staticApp({ maxage: 3600000, immutable: true }),
    noformat: staticApp({ format: false }),
    extensions: staticApp({ extensions: ['html', 'txt'] }),
    nocompress: staticApp({ gzip: false, brotli: false }),
    send: sendApp,
    headers: staticApp({ setHeaders: (res, path, stats) => { res.setHeader('X-Served', basename(path)); res.setHeader('X-Size', String(stats.size)); if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-store') } })
  }
}
