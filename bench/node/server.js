// Koa.js 3 peer server for bench/run.sh: the same scenarios as
// bench/servers/*.py. Usage: node server.js SCENARIO PORT STATIC_DIR LOG_PATH
'use strict';

const fs = require('node:fs');
const Koa = require('koa');
const Router = require('@koa/router');
const { bodyParser } = require('@koa/bodyparser');
const logger = require('koa-logger');
const serve = require('koa-static');
const mount = require('koa-mount');

const [scenario, port, staticDir, logPath] = process.argv.slice(2);
const HELLO = 'Hello, World!';
const ROUTES = 100;
const MIDDLEWARE = 10;
const POST_PATH = '/api/items';

const hello = async (ctx) => {
  ctx.body = HELLO;
};
const passthrough = async (ctx, next) => {
  await next();
};
const postReply = (body) => ({
  received: Array.isArray(body && body.items) ? body.items.length : 0
});
const post = async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === POST_PATH) {
    ctx.body = postReply(ctx.request.body);
  } else {
    await next();
  }
};

function router(withPost) {
  const r = new Router();
  for (let i = 0; i < ROUTES; i++) {
    r.get(`/api/v1/res${i}/:id`, async (ctx) => {
      ctx.body = { route: i, id: ctx.params.id };
    });
  }
  if (withPost) r.post(POST_PATH, post);
  return r;
}

function requestLogger() {
  const stream = fs.createWriteStream(logPath, { flags: 'a' });
  return logger({ transporter: (str) => stream.write(str + '\n') });
}

const app = new Koa();
switch (scenario) {
  case 'plaintext':
    app.use(hello);
    break;
  case 'plaintext_router': {
    const r = new Router();
    r.get('/', hello);
    app.use(r.routes());
    break;
  }
  case 'json_router':
    app.use(router(false).routes());
    break;
  case 'json_post':
    app.use(bodyParser()).use(post);
    break;
  case 'middleware10':
    for (let i = 0; i < MIDDLEWARE; i++) app.use(passthrough);
    app.use(hello);
    break;
  case 'realistic':
    app.use(requestLogger());
    app.use(bodyParser());
    app.use(mount('/static', serve(staticDir)));
    app.use(router(true).routes());
    break;
  case 'plaintext_logger':
    app.use(requestLogger()).use(hello);
    break;
  default:
    console.error(`koa.js: unknown scenario ${scenario}`);
    process.exit(2);
}
app.listen(Number(port), '127.0.0.1');
