// The helmet scenario, Koa.js side (koa-helmet 9 on helmet 8.3): see app.py, its twin.
'use strict'
const Koa = require('koa')
const helmet = require('koa-helmet').default || require('koa-helmet')

async function poweredBy (ctx, next) {
  ctx.set('X-Powered-By', 'Koa')
  await next()
}

async function routes (ctx) {
  switch (ctx.path) {
    case '/':
      ctx.body = 'Hello world!'
      return
    case '/html':
      ctx.type = 'html'
      ctx.body = '<p>hi</p>'
      return
    case '/json':
      ctx.body = { hello: 'world' }
      return
    case '/override':
      ctx.set('X-Frame-Options', 'DENY')
      ctx.set('Content-Security-Policy', "default-src 'none'")
      ctx.body = 'overridden'
      return
    case '/error':
      throw new Error('boom')
    case '/401':
      ctx.throw(401, 'Please log in')
  }
}

function make (...middleware) {
  const app = new Koa()
  app.silent = true
  app.use(poweredBy)
  for (const mw of middleware) app.use(mw)
  app.use(routes)
  return app
}

const nonce = (req) => `'nonce-${req.headers['x-nonce'] || 'none'}'`

module.exports = {
  apps: {
    main: make(helmet()),
    empty_options: make(helmet({})),
    csp_off: make(helmet({ contentSecurityPolicy: false })),
    all_off: make(helmet({
      contentSecurityPolicy: false,
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      originAgentCluster: false,
      referrerPolicy: false,
      strictTransportSecurity: false,
      xContentTypeOptions: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xFrameOptions: false,
      xPermittedCrossDomainPolicies: false,
      xPoweredBy: false,
      xXssProtection: false
    })),
    all_on: make(helmet({
      contentSecurityPolicy: true,
      crossOriginEmbedderPolicy: true,
      crossOriginOpenerPolicy: true,
      crossOriginResourcePolicy: true,
      originAgentCluster: true,
      referrerPolicy: true,
      strictTransportSecurity: true,
      xContentTypeOptions: true,
      xDnsPrefetchControl: true,
      xDownloadOptions: true,
      xFrameOptions: true,
      xPermittedCrossDomainPolicies: true,
      xPoweredBy: true,
      xXssProtection: true
    })),
    coep_credentialless: make(helmet({ crossOriginEmbedderPolicy: { policy: 'credentialless' } })),
    coep_unsafe_none: make(helmet({ crossOriginEmbedderPolicy: { policy: 'unsafe-none' } })),
    coop_popups: make(helmet({ crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' } })),
    coop_noopener: make(helmet({ crossOriginOpenerPolicy: { policy: 'noopener-allow-popups' } })),
    coop_unsafe_none: make(helmet({ crossOriginOpenerPolicy: { policy: 'unsafe-none' } })),
    corp_same_site: make(helmet({ crossOriginResourcePolicy: { policy: 'same-site' } })),
    corp_cross_origin: make(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } })),
    referrer_list: make(helmet({ referrerPolicy: { policy: ['no-referrer', 'strict-origin-when-cross-origin'] } })),
    referrer_empty: make(helmet({ referrerPolicy: { policy: '' } })),
    referrer_unsafe_url: make(helmet({ referrerPolicy: { policy: 'unsafe-url' } })),
    hsts_custom: make(helmet({ strictTransportSecurity: { maxAge: 123, preload: true } })),
    hsts_no_sub: make(helmet({ strictTransportSecurity: { includeSubDomains: false } })),
    hsts_float: make(helmet({ strictTransportSecurity: { maxAge: 123.9 } })),
    hsts_zero: make(helmet({ strictTransportSecurity: { maxAge: 0, includeSubDomains: false, preload: true } })),
    xfo_deny: make(helmet({ xFrameOptions: { action: 'deny' } })),
    xfo_dashed: make(helmet({ xFrameOptions: { action: 'SAME-ORIGIN' } })),
    dns_allow: make(helmet({ xDnsPrefetchControl: { allow: true } })),
    xpcdp_master_only: make(helmet({ xPermittedCrossDomainPolicies: { permittedPolicies: 'master-only' } })),
    xpcdp_by_content_type: make(helmet({ xPermittedCrossDomainPolicies: { permittedPolicies: 'by-content-type' } })),
    xpcdp_all: make(helmet({ xPermittedCrossDomainPolicies: { permittedPolicies: 'all' } })),
    legacy: make(helmet({
      hsts: { maxAge: 42 },
      noSniff: false,
      dnsPrefetchControl: { allow: true },
      ieNoOpen: false,
      frameguard: { action: 'deny' },
      permittedCrossDomainPolicies: { permittedPolicies: 'all' },
      hidePoweredBy: false,
      xssFilter: false
    })),
    csp_custom: make(helmet({
      contentSecurityPolicy: {
        directives: {
          scriptSrc: ["'self'", 'cdn.example'],
          'img-src': ["'self'", 'data:', 'https://images.example'],
          baseUri: null,
          sandbox: [],
          reportTo: 'csp-endpoint',
          'default-src': "'self'  'unsafe-eval'"
        }
      }
    })),
    csp_no_defaults: make(helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: "'self'", 'report-uri': '/csp' } }
    })),
    csp_report_only: make(helmet({ contentSecurityPolicy: { reportOnly: true } })),
    csp_no_default_src: make(helmet({
      contentSecurityPolicy: { directives: { defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc } }
    })),
    csp_dynamic: make(helmet({
      contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce], styleSrc: ["'self'", nonce] } }
    })),
    parts: make(
      helmet.hsts(),
      helmet.contentSecurityPolicy(),
      helmet.crossOriginEmbedderPolicy(),
      helmet.crossOriginOpenerPolicy(),
      helmet.crossOriginResourcePolicy(),
      helmet.dnsPrefetchControl({ allow: false }),
      helmet.ieNoOpen(),
      helmet.referrerPolicy(),
      helmet.xssFilter(),
      helmet.frameguard({ action: 'deny' }),
      helmet.noSniff(),
      helmet.permittedCrossDomainPolicies(),
      helmet.hidePoweredBy(),
      helmet.originAgentCluster()
    )
  }
}
