// A Koa.js app with the real koa-session 7 and csrf 3, for the cross-language
// tests: `node peer.js PORT KEY1,KEY2` prints "listening" once it serves.
'use strict';
const Koa = require('koa');
const { createSession: session } = require('koa-session');
const Tokens = require('csrf');

const [port, keys] = [Number(process.argv[2]), process.argv[3].split(',')];
const tokens = new Tokens();
const app = new Koa();
app.keys = keys;

app.use(session({ maxAge: 86400000 }, app));

app.use(async (ctx) => {
  const q = ctx.query;
  switch (ctx.path) {
    case '/session/set':
      for (const [k, v] of Object.entries(q)) ctx.session[k] = v;
      ctx.body = ctx.session.toJSON();
      return;
    case '/session/get':
      ctx.body = { session: ctx.session.toJSON(), isNew: Boolean(ctx.session.isNew) };
      return;
    case '/session/destroy':
      ctx.session = null;
      ctx.body = {};
      return;
    case '/csrf/create':
      ctx.body = { token: tokens.create(q.secret) };
      return;
    case '/csrf/verify':
      ctx.body = { ok: tokens.verify(q.secret, q.token) };
      return;
    case '/csrf/form':
      // what koa-csrf does on a GET: a secret in the session, a token for the form
      if (!ctx.session.secret) ctx.session.secret = await tokens.secret();
      ctx.body = { token: tokens.create(ctx.session.secret) };
      return;
    case '/csrf/check':
      ctx.body = { ok: tokens.verify(ctx.session.secret, ctx.get('x-csrf-token')) };
      return;
    default:
      ctx.status = 404;
  }
});

app.listen(port, '127.0.0.1', () => console.log('listening'));
