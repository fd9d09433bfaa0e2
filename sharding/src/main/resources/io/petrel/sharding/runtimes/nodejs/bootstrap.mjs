// Petrel's runtime bootstrap for Node.js functions (an ES module; built-in modules only, Node 16+).
//
// Role: Petrel starts one of these per execution environment as `node bootstrap.mjs`, with the working
// directory set to LAMBDA_TASK_ROOT. It loads the function's handler once (the cold start), then loops
// forever over the AWS Lambda Runtime API: GET the next event, call the handler, POST the result or error.
//
// Contract:
//   AWS_LAMBDA_RUNTIME_API   host:port of the Runtime API (paths under /2018-06-01/runtime)
//   _HANDLER                 "file.export" ("dir/file.export", "file.a.b" for a nested export)
//   LAMBDA_TASK_ROOT         the code directory (defaults to the working directory)
//   AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
//   AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME   exposed on the context object
// - The module is the first of <file>, <file>.js, <file>.mjs, <file>.cjs that exists in the task root
//   (else Node's resolution from there, e.g. a package), loaded with import(): CommonJS and ES modules both
//   work, .js following the nearest package.json "type". The handler is looked up among the module's
//   exports, then on its default export (module.exports of a CommonJS module).
// - Handlers may return a value or a Promise, or take (event, context, callback) and call callback(err, result);
//   the first of callback, context.done/succeed/fail and the returned Promise wins (a handler of fewer than
//   three parameters that returns a plain value is done at once). The event is the body parsed as JSON
//   (empty body: null), the result is sent as JSON.stringify(result) (undefined: null).
// - Errors are posted as {errorType, errorMessage, stackTrace}, with the Lambda-Runtime-Function-Error-Type
//   header set to the errorType, and logged to stderr as one line. A handler that cannot be loaded is reported
//   on /runtime/init/error (Runtime.ImportModuleError, Runtime.UserCodeSyntaxError, Runtime.HandlerNotFound,
//   Runtime.MalformedHandlerName, or the error thrown at import) and the process exits with status 1. An
//   uncaught exception or unhandled rejection fails the current invocation and exits with status 1.
// - console.log/info/debug/dir write synchronously to stdout and console.error/warn to stderr, so every line
//   reaches Petrel before the result is posted. The bootstrap itself writes only error reports, to stderr.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const env = process.env;
const apiAddress = env.AWS_LAMBDA_RUNTIME_API || '';
const apiHost = apiAddress.slice(0, apiAddress.lastIndexOf(':')).replace(/^\[|\]$/g, '');
const apiPort = Number(apiAddress.slice(apiAddress.lastIndexOf(':') + 1));
const agent = new http.Agent({ keepAlive: true });
const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();

function writeSync(fd, text) {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length;) {
    try { off += fs.writeSync(fd, buf, off); } catch (e) { if (e.code !== 'EAGAIN') return; }
  }
}
const logTo = (fd) => (...args) => writeSync(fd, util.format(...args) + '\n');
console.log = console.info = console.debug = logTo(1);
console.error = console.warn = logTo(2);
console.dir = (obj, options) => writeSync(1, util.inspect(obj, options) + '\n');

/** One Runtime API request on the keep-alive agent, retried once if a reused socket was closed. */
function api(method, suffix, body, headers = {}, retried = false) {
  if (body !== undefined) headers = { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, method, path: '/2018-06-01/runtime' + suffix, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (req.reusedSocket && !retried && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resolve(api(method, suffix, body, headers, true));
      else reject(err);
    });
    req.end(body);
  });
}

/** An error the runtime reports itself, with a Lambda errorType such as Runtime.ImportModuleError. */
class Fault extends Error {
  constructor(type, message, cause) {
    super(message);
    this.errorType = type;
    this.trace = cause && typeof cause.stack === 'string' ? stackLines(cause) : [];
  }
}

/** The stack's lines without the "Type: message" head, cut before the first frame of this bootstrap. */
function stackLines(err) {
  const head = String(err);
  const lines = (err.stack.startsWith(head) ? err.stack.slice(head.length) : err.stack).split('\n');
  const own = lines.findIndex((line) => line.includes(import.meta.url));
  return lines.slice(0, own < 0 ? lines.length : own).filter((line) => line.trim() !== '');
}

function errorBody(err) {
  if (err instanceof Fault) return { errorType: err.errorType, errorMessage: err.message, stackTrace: err.trace };
  if (err instanceof Error || util.types.isNativeError(err)) {
    return { errorType: err.name || err.constructor?.name || 'Error', errorMessage: String(err.message),
      stackTrace: typeof err.stack === 'string' ? stackLines(err) : [] };
  }
  return { errorType: 'Error', errorMessage: String(err), stackTrace: [] };
}

/** Posts an error to the Runtime API (path suffix) and logs it to stderr. */
async function postError(suffix, err, label) {
  const error = errorBody(err);
  const body = JSON.stringify(error);
  writeSync(2, `ERROR\t${label}\t${body}\n`);
  const type = String(error.errorType).replace(/[^\x20-\x7e]/g, '_');
  await api('POST', suffix, body, { 'Lambda-Runtime-Function-Error-Type': type });
}

const isFile = (p) => { try { return fs.statSync(p).isFile(); } catch { return false; } };

async function loadHandler(spec) {
  const slash = spec.lastIndexOf('/');
  const name = spec.slice(slash + 1);
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) throw new Fault('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  const file = spec.slice(0, slash + 1) + name.slice(0, dot);
  const base = path.resolve(taskRoot, file);
  let found = ['', '.js', '.mjs', '.cjs'].map((ext) => base + ext).find(isFile);
  if (!found) {
    try { found = createRequire(path.join(taskRoot, 'index.js')).resolve(file); } catch {
      throw new Fault('Runtime.ImportModuleError', `Error: Cannot find module '${file}' in ${taskRoot}`);
    }
  }
  let mod;
  try {
    mod = await import(pathToFileURL(found).href);
  } catch (e) {
    if (e instanceof SyntaxError) throw new Fault('Runtime.UserCodeSyntaxError', String(e), e);
    if (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') throw new Fault('Runtime.ImportModuleError', String(e), e);
    throw e;
  }
  const lookup = (obj) => name.slice(dot + 1).split('.').reduce((o, key) => (o == null ? undefined : o[key]), obj);
  const handler = lookup(mod) ?? lookup(mod.default);
  if (handler === undefined) throw new Fault('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  if (typeof handler !== 'function') throw new Fault('Runtime.HandlerNotFound', `${spec} is not a function`);
  return handler;
}

function makeContext(h) {
  const deadline = Number(h['lambda-runtime-deadline-ms']) || 0;
  const parse = (text) => (text ? JSON.parse(text) : undefined);
  return {
    awsRequestId: h['lambda-runtime-aws-request-id'],
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parse(h['lambda-runtime-client-context']),
    identity: parse(h['lambda-runtime-cognito-identity']),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

/** Calls the handler; settles with the first of: callback, context.done/succeed/fail, returned value or Promise. */
function callHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn, value) => { if (!settled) { settled = true; fn(value); } };
    const fail = (err) => settle(reject, err ?? new Error('handler failed'));
    const done = (err, result) => (err != null ? fail(err) : settle(resolve, result));
    Object.assign(context, { done, succeed: (result) => done(null, result), fail });
    const usesCallback = handler.length >= 3;
    let out;
    try { out = usesCallback ? handler(event, context, done) : handler(event, context); } catch (e) { return fail(e); }
    if (out && typeof out.then === 'function') out.then((result) => settle(resolve, result), fail);
    else if (!usesCallback) settle(resolve, out);
  });
}

let phase = 'init'; // 'init', an invocation's request id while it runs, or null between invocations

async function invoke(handler, next) {
  let event, context;
  try {
    event = next.body ? JSON.parse(next.body) : null;
    context = makeContext(next.headers);
  } catch (e) {
    return { error: new Fault('Runtime.UnmarshalError', `Unable to parse event or context: ${e.message}`) };
  }
  let result;
  try { result = await callHandler(handler, event, context); } catch (e) { return { error: e }; }
  try { return { body: JSON.stringify(result) ?? 'null' }; } catch (e) {
    return { error: new Fault('Runtime.MarshalError', `Unable to stringify response body: ${e.message}`) };
  }
}

async function fatal(err, type) {
  if (phase === 'fatal') return;
  const suffix = phase === 'init' ? '/init/error' : phase ? `/invocation/${phase}/error` : null;
  phase = 'fatal';
  const error = type ? new Fault(type, String(err), err) : err;
  try {
    if (suffix) await postError(suffix, error, 'Uncaught Exception');
    else writeSync(2, `ERROR\tUncaught Exception\t${JSON.stringify(errorBody(error))}\n`);
  } finally { process.exit(1); }
}
process.on('uncaughtException', (err) => fatal(err));
process.on('unhandledRejection', (reason) => fatal(reason, 'Runtime.UnhandledPromiseRejection'));

async function main() {
  let handler;
  try {
    handler = await loadHandler(env._HANDLER || '');
  } catch (e) {
    phase = 'fatal';
    await postError('/init/error', e, 'Init Error');
    process.exit(1);
  }
  for (;;) {
    phase = null;
    const next = await api('GET', '/invocation/next');
    if (next.status !== 200) throw new Error(`Runtime API /invocation/next answered ${next.status}: ${next.body.slice(0, 200)}`);
    const id = next.headers['lambda-runtime-aws-request-id'];
    const trace = next.headers['lambda-runtime-trace-id'];
    if (trace) env._X_AMZN_TRACE_ID = trace; else delete env._X_AMZN_TRACE_ID;
    phase = id;
    const outcome = await invoke(handler, next);
    if (phase !== id) return; // a fatal error took over
    if (outcome.error === undefined) await api('POST', `/invocation/${id}/response`, outcome.body);
    else await postError(`/invocation/${id}/error`, outcome.error, 'Invoke Error');
  }
}

main().catch((err) => { writeSync(2, `ERROR\tRuntime API failure\t${err?.stack ?? err}\n`); process.exit(1); });
