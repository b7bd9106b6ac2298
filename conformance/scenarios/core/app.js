// The core scenario, Koa.js side: one handler answering on several paths,
// mounted on four apps that differ in their options (see app.py, its twin).
'use strict'
const Koa = require('koa')

const u = (v) => (v === undefined ? null : v)
const LAST_MODIFIED = new Date('Wed, 21 Oct 2015 07:28:00 GMT')

function echo (ctx) {
  return {
    method: ctx.method,
    url: ctx.url,
    originalUrl: ctx.originalUrl,
    path: ctx.path,
    querystring: ctx.querystring,
    search: ctx.search,
    query: ctx.query,
    host: ctx.host,
    hostname: ctx.hostname,
    origin: u(ctx.origin),
    href: ctx.href,
    URL: ctx.URL && ctx.URL.href ? ctx.URL.href : null,
    protocol: ctx.protocol,
    secure: ctx.secure,
    ip: ctx.ip,
    ips: ctx.ips,
    subdomains: ctx.subdomains,
    idempotent: ctx.idempotent,
    charset: ctx.request.charset,
    length: u(ctx.request.length),
    type: ctx.request.type,
    is: [ctx.is('json'), ctx.is('urlencoded'), ctx.is('text/*'), ctx.is('image/*', 'json')],
    accepts: [ctx.accepts(), ctx.accepts('json', 'html'), ctx.accepts('text/plain')],
    encodings: [ctx.acceptsEncodings(), ctx.acceptsEncodings('gzip', 'br'), ctx.acceptsEncodings('br', 'identity')],
    charsets: [ctx.acceptsCharsets(), ctx.acceptsCharsets('utf-8', 'iso-8859-1')],
    languages: [ctx.acceptsLanguages(), ctx.acceptsLanguages('en', 'fr')],
    get: {
      'x-a': ctx.get('x-a'),
      cookie: ctx.get('cookie'),
      referrer: ctx.get('referrer'),
      'user-agent': ctx.get('user-agent'),
      'content-type': ctx.get('Content-Type')
    },
    fresh: ctx.fresh
  }
}

async function handler (ctx) {
  const q = ctx.query
  const parts = ctx.path.split('/')
  const n = Number(parts[2])
  switch (parts[1]) {
    case 'echo': ctx.body = echo(ctx); return
    case 'headers': ctx.body = ctx.headers; return
    case 'status': ctx.status = n; return
    case 'status-body': ctx.status = n; ctx.body = 'hi'; return
    case 'message': ctx.status = 200; ctx.message = 'Fine Thanks'; ctx.body = 'x'; return
    case 'string': ctx.body = 'Hello, world'; return
    case 'html': ctx.body = '  <p>hi</p>'; return
    case 'unicode': ctx.body = 'héllo wörld ☃ 😓'; return
    case 'buffer': ctx.body = Buffer.from('bytes here'); return
    case 'json': ctx.body = { a: 1, b: [true, null, 'x'], c: { d: 'é' } }; return
    case 'array': ctx.body = [1, 'two', { three: 3 }]; return
    case 'null': ctx.body = null; return
    case 'empty-string': ctx.body = ''; return
    case 'json-null': ctx.type = 'json'; ctx.body = null; return
    case 'null-then-status': ctx.body = null; ctx.status = 200; return
    case 'empty-status-body': ctx.status = n; ctx.body = 'dropped'; return
    case 'vnd-json': ctx.type = 'application/vnd.api+json'; ctx.body = { a: 1 }; return
    case 'text-json': ctx.type = 'text/plain'; ctx.body = { a: 1 }; return
    case 'type': ctx.type = q.t; ctx.body = 'x'; return
    case 'type-only': ctx.type = q.t; ctx.body = Buffer.from('x'); return
    case 'redirect': ctx.redirect(q.to); return
    case 'redirect-301': ctx.status = 301; ctx.redirect(q.to); return
    case 'back': ctx.back(q.alt); return
    case 'attachment': ctx.attachment(q.name); ctx.body = 'file'; return
    case 'attachment-typed': ctx.type = 'text/plain'; ctx.attachment(q.name); ctx.body = 'file'; return
    case 'attachment-inline': ctx.attachment(q.name, { type: 'inline' }); ctx.body = 'file'; return
    case 'attachment-fallback': ctx.attachment(q.name, { fallback: q.fallback }); ctx.body = 'file'; return
    case 'set-header': ctx.set('X-Custom', q.v); ctx.body = 'set'; return
    case 'attachment-nofallback': ctx.attachment(q.name, { fallback: false }); ctx.body = 'file'; return
    case 'throw': ctx.throw(n); return
    case 'throw-msg': ctx.throw(n, 'custom message'); return
    case 'throw-headers': {
      ctx.set('X-Dropped', 'yes')
      const err = new Error('teapot')
      err.status = 418
      err.expose = true
      err.headers = { 'X-Kept': 'yes', 'Content-Type': 'application/json' }
      throw err
    }
    case 'error': ctx.set('X-Dropped', 'yes'); throw new Error('boom')
    case 'error-status': { const e = new Error('odd'); e.status = 999; throw e }
    case 'assert': ctx.assert(q.ok === 'yes', 401, 'please log in'); ctx.body = 'ok'; return
    case 'fresh':
      ctx.set('ETag', '"abc"')
      ctx.lastModified = LAST_MODIFIED
      ctx.body = 'fresh body'
      if (ctx.fresh) ctx.status = 304
      return
    case 'etag': ctx.etag = q.v; ctx.body = 'e'; return
    case 'vary': ctx.vary('Accept'); ctx.vary('Origin, accept'); ctx.vary(['X-Y', 'origin']); ctx.body = 'v'; return
    case 'set-headers':
      ctx.set('X-List', ['a', 'b'])
      ctx.append('X-List', 'c')
      ctx.set({ 'X-One': '1', 'X-Two': '2' })
      ctx.remove('X-Two')
      ctx.set('Link', '<http://a>')
      ctx.append('Link', '<http://b>')
      ctx.body = 'h'
      return
    case 'length': ctx.body = 'abc'; ctx.length = 3; return
    case 'cookies-get':
      ctx.body = {
        plain: u(ctx.cookies.get(q.name)),
        signed: u(ctx.cookies.get(q.name, { signed: true }))
      }
      return
    case 'cookies-set':
      ctx.cookies.set('plain', 'v1', { signed: false })
      ctx.cookies.set('signed', 'v2', { signed: true })
      ctx.cookies.set('opts', 'v3', { signed: false, path: '/p', domain: 'example.com', httpOnly: false, sameSite: 'lax', priority: 'high', expires: new Date('Wed, 21 Oct 2026 07:28:00 GMT') })
      ctx.cookies.set('strict', 'v4', { signed: false, sameSite: true })
      ctx.cookies.set('gone', null)
      ctx.body = 'c'
      return
    case 'cookies-overwrite':
      ctx.cookies.set('o', '1', { signed: false })
      ctx.cookies.set('o', '2', { signed: false, overwrite: true })
      ctx.cookies.set('p', '1', { signed: false })
      ctx.cookies.set('p', '2', { signed: false })
      ctx.body = 'o'
      return
    case 'cookies-default-signing':
      ctx.cookies.set('bare', '1')
      ctx.cookies.set('withopts', '2', { path: '/' })
      ctx.cookies.set('number', 3, { signed: false })
      ctx.body = 'd'
      return
    case 'cookies-bad-domain': ctx.cookies.set('x', '1', { domain: 'bad domain' }); ctx.body = 'x'; return
    case 'cookies-bad-path': ctx.cookies.set('x', '1', { path: '/a;b' }); ctx.body = 'x'; return
    case 'cookies-bad-name': ctx.cookies.set('a b', '1'); ctx.body = 'x'; return
    case 'cookies-bad-value': ctx.cookies.set('a', 'x;y'); ctx.body = 'x'; return
    case 'cookies-partitioned': ctx.cookies.set('p', '1', { signed: false, secure: false, partitioned: true, sameSite: 'none' }); ctx.body = 'p'; return
    case 'cookies-secure': ctx.cookies.set('s', '1', { signed: false, secure: true }); ctx.body = 's'; return
    case 'path-set': ctx.path = q.p; ctx.body = { path: ctx.path, url: ctx.url, originalUrl: ctx.originalUrl }; return
    case 'query-set': ctx.query = { a: ['1', '2'], b: 'x y', c: 'é&=' }; ctx.body = { querystring: ctx.querystring, search: ctx.search }; return
    case 'url-set': ctx.url = '/rewritten?x=1'; ctx.body = { path: ctx.path, query: ctx.query, originalUrl: ctx.originalUrl }; return
    case 'method': ctx.body = { method: ctx.method }; return
    case 'respond-head': ctx.body = { a: 'json for head' }; return
    case 'json-date': ctx.body = { d: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 678)), epoch: new Date(0) }; return
  }
}

function make (options) {
  const app = new Koa(options)
  app.silent = true
  app.use(handler)
  return app
}

// middleware written with one parameter, as most koajs/examples apps are
const oneArg = new Koa()
oneArg.silent = true
oneArg.use(async (ctx) => { ctx.body = { oneArg: true, path: ctx.path } })

module.exports = {
  apps: {
    oneArg,
    main: make({ keys: ['k1', 'k2'] }),
    proxy: make({ proxy: true }),
    proxy1: make({ proxy: true, maxIpsCount: 1 }),
    custom: make({ proxy: true, proxyIpHeader: 'X-Client-IP', subdomainOffset: 1 })
  }
}
