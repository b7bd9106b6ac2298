// The router scenario, Koa.js side (@koa/router 15.7): see app.py, its twin.
'use strict'
const Koa = require('koa')
const Router = require('@koa/router')

const u = (v) => (v === undefined ? null : v)

function reply (name) {
  return async (ctx) => {
    ctx.body = {
      route: name,
      method: ctx.method,
      params: ctx.params,
      matched: typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : null,
      matchedName: u(ctx._matchedRouteName),
      state: ctx.state
    }
  }
}

function app (router, allowedOptions) {
  const a = new Koa()
  a.silent = true
  a.use(router.routes())
  a.use(router.allowedMethods(allowedOptions))
  return a
}

// -- main: every kind of path, params, use(), nesting, redirect, url() --------
const main = new Router()
main.param('id', async (id, ctx, next) => {
  if (id === 'missing') ctx.throw(404, 'no such user')
  ctx.state.loaded = id
  await next()
})
main.use('/api', async (ctx, next) => { ctx.set('X-Api', 'yes'); await next() })
main.use(async (ctx, next) => { ctx.set('X-Router-Use', 'yes'); await next() })
main.get('/', reply('root'))
main.get('users', '/users', reply('list-users'))
main.post('/users', async (ctx) => { ctx.status = 201; ctx.set('Location', main.url('user', { id: 3 })); ctx.body = { created: true } })
main.get('user', '/users/:id', reply('show-user'))
main.put('/users/:id', reply('put-user'))
main.patch('/users/:id', reply('patch-user'))
main.delete('/users/:id', reply('delete-user'))
main.get('/users/:id/posts/:postId', reply('user-post'))
main.get('/files/*path', reply('files'))
main.get('/user{/:uid}', reply('optional'))
main.get('/resources/:rid{.:ext}', reply('resource'))
main.get('/f/:name.:ext', reply('name-ext'))
main.get('/q/:"user-id"', reply('quoted'))
main.get('/lit/a\\:b', reply('escaped'))
main.get('/api/data', reply('api-data'))
main.get('/apix', reply('apix'))
main.all('/any', reply('any'))
main.get('/multi', async (ctx, next) => { ctx.set('X-First', '1'); await next() }, reply('multi'))
main.get('/twice', async (ctx, next) => { ctx.set('X-Layer', 'one'); await next() })
main.get('/twice', reply('twice'))
main.register('/cache/:key', ['PURGE'], reply('purge'))
main.get(/^\/re\/(\d+)$/, async (ctx) => { ctx.body = { route: 'regex', captures: ctx.captures, params: ctx.params } })
main.get('/url', async (ctx) => {
  ctx.body = {
    object: main.url('user', { id: 3 }),
    positional: main.url('user', 4),
    encoded: main.url('user', { id: 'a b/é' }),
    query: main.url('users', { query: { page: 2, tags: ['a', 'b'] } }),
    queryString: main.url('users', { query: 'x=1' })
  }
})
main.redirect('/old', '/users')
main.redirect('/old-named', 'users', 302)
main.get('/encoded/:value', reply('encoded'))
main.get('/throws', async (ctx) => { ctx.throw(422, 'bad thing') })
const nested = new Router()
nested.get('/items/:itemId', reply('nested-item'))
nested.use(async (ctx, next) => { ctx.set('X-Nested', 'yes'); await next() })
main.use('/nest/:nid', nested.routes(), nested.allowedMethods())

// -- strict + sensitive -----------------------------------------------------
const strict = new Router({ strict: true, sensitive: true })
strict.get('/info', reply('info'))
strict.get('/dir/', reply('dir'))

// -- prefix -------------------------------------------------------------------
const prefixed = new Router({ prefix: '/v1' })
prefixed.get('/', reply('v1-root'))
prefixed.get('/things/:id', reply('v1-thing'))
const tenant = new Router({ prefix: '/t/:tenant' })
tenant.get('/home', reply('tenant-home'))
prefixed.use(tenant.routes())

// -- exclusive ------------------------------------------------------------------
const exclusive = new Router({ exclusive: true })
exclusive.get('/x/:id', async (ctx, next) => { ctx.set('X-First', 'ran'); await next() })
exclusive.get('/x/:id', reply('exclusive-last'))

// -- host -----------------------------------------------------------------------
const hosted = new Router({ host: 'example.com' })
hosted.get('/', reply('hosted'))

// -- methods, throw ---------------------------------------------------------------
const limited = new Router({ methods: ['GET', 'POST'] })
limited.get('/only', reply('only'))
const throwing = new Router()
throwing.get('/t', reply('t'))

// -- host behind a proxy (X-Forwarded-Host decides ctx.host) ----------------------
const hostedProxy = new Router({ host: ['api.example.com', 'example.com'] })
hostedProxy.get('/', reply('hosted-proxy'))
const hostedProxyApp = app(hostedProxy)
hostedProxyApp.proxy = true

// -- routerPath, exclusive: 'specificity', error factories, prefix(), array paths --
const fixedPath = new Router({ routerPath: '/fixed' })
fixedPath.get('/fixed', reply('fixed'))
const specific = new Router({ exclusive: 'specificity' })
specific.get('/s/:a/:b', reply('two-params'))
specific.get('/s/:a/fixed', reply('one-param'))
specific.get('/s/fixed/fixed', reply('no-param'))
const factories = new Router()
factories.get('/f', reply('f'))
const late = new Router()
late.get('/one', reply('late-one'))
late.get(['/two', '/three'], reply('late-array'))
late.use(['/two', '/one'], async (ctx, next) => { ctx.set('X-Array-Use', 'yes'); await next() })
late.prefix('/late')
function httpError (status, message) {
  const err = new Error(message)
  err.status = status
  err.expose = true
  return err
}

module.exports = {
  apps: {
    main: app(main),
    strict: app(strict),
    prefixed: app(prefixed),
    exclusive: app(exclusive),
    hosted: app(hosted),
    limited: app(limited),
    throwing: app(throwing, { throw: true }),
    hostedProxy: hostedProxyApp,
    fixedPath: app(fixedPath),
    specific: app(specific),
    factories: app(factories, { throw: true, methodNotAllowed: () => httpError(405, 'custom 405'), notImplemented: () => httpError(501, 'custom 501') }),
    late: app(late)
  }
}
