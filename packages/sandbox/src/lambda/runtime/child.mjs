// One warm "execution environment": loads the handler once, then runs one invocation at a time on request
// from the parent (runner.ts) over IPC. Plain JavaScript because it runs in a bare `node` child process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

let current;
let handlerPromise;

// Lambda's Node runtime prefixes console output with time, request id and level; send it over IPC so the
// parent attributes each line to the invocation that wrote it (ordered with the result message).
for (const [method, level] of [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
]) {
  console[method] = (...args) => {
    const line = `${new Date().toISOString()}\t${current?.context.awsRequestId ?? 'undefined'}\t${level}\t${format(...args)}\n`;
    process.send?.({ type: 'log', line });
  };
}

async function loadHandler(codeDir, handler) {
  // "dir/file.export.path": the module is up to the first dot of the last path segment.
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot < 0)
    throw Object.assign(new Error(`Bad handler ${handler}: expected "file.export"`), {
      name: 'Runtime.MalformedHandlerName',
    });
  const modulePath = handler.slice(0, dot);
  const exportPath = handler.slice(dot + 1).split('.');
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => join(codeDir, modulePath + ext))
    .find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const mod = await import(pathToFileURL(file).href);
  let fn = mod;
  for (const key of exportPath) fn = fn?.[key] ?? (fn === mod ? mod.default?.[key] : undefined);
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportPath.join('.')} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return fn;
}

function toErrorObject(err) {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function callHandler(fn, event, context) {
  // Callback-style handlers (three parameters) are still accepted by the nodejs runtimes up to 22.
  if (fn.length >= 3) {
    return new Promise((resolve, reject) => {
      const r = fn(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    });
  }
  return fn(event, context);
}

process.on('message', async (msg) => {
  if (msg.type !== 'invoke') return;
  const { id, codeDir, handler, event, deadline } = msg;
  const context = {
    ...msg.context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  current = { context };
  try {
    handlerPromise ??= loadHandler(codeDir, handler);
    const fn = await handlerPromise;
    const value = await callHandler(fn, event, context);
    process.send?.({
      type: 'result',
      id,
      ok: true,
      payload: value === undefined ? 'null' : JSON.stringify(value),
    });
  } catch (err) {
    process.send?.({ type: 'result', id, ok: false, error: toErrorObject(err) });
  } finally {
    current = undefined;
  }
});

process.on('uncaughtException', (err) => {
  process.send?.({ type: 'crash', error: toErrorObject(err) }, () => process.exit(1));
});
process.on('unhandledRejection', (err) => {
  process.send?.({ type: 'crash', error: toErrorObject(err) }, () => process.exit(1));
});

process.send?.({ type: 'ready' });
