export const id = 811;
export const ids = [811];
export const modules = {

/***/ 7192:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parseChecks: () => (/* reexport */ parseChecks),
  parseChecksFile: () => (/* reexport */ parseChecksFile),
  runChecks: () => (/* reexport */ runChecks)
});

// UNUSED EXPORTS: CheckDefinitionError, DEFAULT_CONCURRENCY, VERSION_HEADERS, describeFailure, formatMs, formatStatus, parseDuration, parseErrorRate, toJUnitXml, toJsonReport, toRecordSummary, unprovenLines, validateSuite

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./packages/core/src/document.ts
var src_document = __webpack_require__(4816);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./packages/core/src/duration.ts
var duration = __webpack_require__(9713);
;// CONCATENATED MODULE: ./packages/checks/src/duration.ts
// Core's duration module, imported by subpath so the engine does not pull in the Actions toolkit with core's index.

/** Milliseconds from "250ms", "5s", "1m30s", "2h", or a number of seconds (YAML may give a number); else undefined. */
function parseDuration(value) {
    if (typeof value === 'number')
        return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
    return typeof value === 'string' ? (0,duration/* parseDuration */.E)(value) : undefined;
}
const formatMs = duration/* formatDuration */.a;

// EXTERNAL MODULE: ./node_modules/jsonpath-plus/dist/index-node-esm.js
var index_node_esm = __webpack_require__(6229);
;// CONCATENATED MODULE: ./packages/checks/src/jsonpath.ts

/** Paths that can match many values; their result is always the array of matches. */
const INDEFINITE = /\*|\.\.|\?\(|\[[^\]]*[,:][^\]]*\]/;
/** Evaluates a JSONPath ("$.user.id", "$.items[*].sku"; a leading "$." may be left out). */
function queryPath(json, path) {
    const full = normalizePath(path);
    const matches = (0,index_node_esm/* JSONPath */.E)({ path: full, json: json, wrap: true, eval: 'safe' });
    if (INDEFINITE.test(full))
        return { found: true, value: matches };
    return matches.length === 0 ? { found: false } : { found: true, value: matches[0] };
}
function normalizePath(path) {
    const trimmed = path.trim();
    if (trimmed.startsWith('$'))
        return trimmed;
    return trimmed.startsWith('[') ? `$${trimmed}` : `$.${trimmed}`;
}
/** Throws when jsonpath-plus cannot use the path (checked at parse time, before anything is sent). */
function assertValidPath(path) {
    if (!/^\$(\.|\[|$)/.test(normalizePath(path)))
        throw new Error(`"${path}" is not a JSONPath like $.user.id`);
    (0,index_node_esm/* JSONPath */.E)({ path: normalizePath(path), json: {}, wrap: true, eval: 'safe' });
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./packages/core/src/template.ts

/**
 * `{{ ... }}` templates for check definitions and notification texts.
 *
 *   {{ user.id }}                  a variable, dotted paths reach into objects and arrays (items.0.id)
 *   {{ env.NAME }}                 an environment variable (an error when it is not set)
 *   {{ now }}                      the current time, ISO 8601 (UTC)
 *   {{ now "+1d" "YYYY-MM-DD" }}   offsets (+1d -2h +30m +10s +1w +500ms, several allowed) and a format:
 *                                  iso, date (YYYY-MM-DD), unix (seconds), unix-ms, or a pattern with
 *                                  YYYY MM DD HH mm ss SSS (UTC)
 *   {{ timestamp }}                epoch milliseconds
 *   {{ uuid }}                     a random UUID v4
 *   {{ random 8 }}                 a random string (default 16 chars); optional charset: alnum, alpha, digits, hex
 *
 * Helper names win over variables of the same name. `\{{` renders a literal `{{`.
 */
class TemplateError extends Error {
    name = 'TemplateError';
    /** The variable path that could not be resolved, for callers that know where it moved. */
    path;
    constructor(message, path) {
        super(message);
        this.path = path;
    }
}
const TEMPLATE_HELPERS = ['now', 'timestamp', 'uuid', 'random'];
const EXPRESSION = /\\\{\{|\{\{([\s\S]*?)\}\}/g;
const PATH = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;
const OFFSET = /^([+-])(\d+)(ms|s|m|h|d|w)$/;
const UNIT_MS = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
};
const CHARSETS = {
    alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    digits: '0123456789',
    hex: '0123456789abcdef',
};
const MAX_RANDOM_LENGTH = 1024;
/** Renders every `{{ ... }}` in `text`; an unknown variable or a malformed expression throws a TemplateError. */
function renderTemplate(text, vars, options = {}) {
    if (!text.includes('{{'))
        return text;
    return scan(text, (expression) => stringify(evaluate(expression, vars, options)));
}
/**
 * Evaluates a template, keeping the value's type when the whole text is one expression (`"{{ user.id }}"` gives
 * the number 42), so JSON bodies can carry captured numbers, booleans and objects unchanged.
 */
function renderTemplateValue(text, vars, options = {}) {
    const inner = /^\{\{([\s\S]*?)\}\}$/.exec(text)?.[1];
    if (inner !== undefined && !inner.includes('{{'))
        return evaluate(parseExpression(inner), vars, options);
    return renderTemplate(text, vars, options);
}
/** Renders templates in every string of a JSON-like value (object keys included). */
function renderDeep(value, vars, options = {}) {
    if (typeof value === 'string')
        return renderTemplateValue(value, vars, options);
    if (Array.isArray(value))
        return value.map((item) => renderDeep(item, vars, options));
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [
            renderTemplate(key, vars, options),
            renderDeep(item, vars, options),
        ]));
    }
    return value;
}
/**
 * The variables a template refers to, in order of first use, without helpers: `["user.id", "env.TOKEN"]`.
 * Throws a TemplateError for malformed expressions, so callers can validate before sending anything.
 */
function templateVariables(text) {
    const names = new Set();
    if (!text.includes('{{'))
        return [];
    scan(text, (expression) => {
        if (expression.kind === 'variable')
            names.add(expression.path);
        if (expression.kind === 'env')
            names.add(`env.${expression.name}`);
        return '';
    });
    return [...names];
}
function scan(text, render) {
    const rendered = text.replace(EXPRESSION, (_match, body) => body === undefined ? '{{' : render(parseExpression(body)));
    if (text.replace(EXPRESSION, '').includes('{{')) {
        throw new TemplateError(`unclosed "{{" in template ${JSON.stringify(shorten(text))}`);
    }
    return rendered;
}
function parseExpression(body) {
    if (body.includes('{{'))
        throw new TemplateError(`"{{" inside "{{${body}}}" — expressions cannot be nested`);
    const words = tokenize(body);
    const [head, ...args] = words;
    if (head === undefined)
        throw new TemplateError('empty expression "{{ }}"');
    switch (head) {
        case 'now':
            return parseNow(args);
        case 'timestamp':
        case 'uuid':
            noArguments(head, args);
            return { kind: head };
        case 'random':
            return parseRandom(args);
    }
    if (args.length > 0) {
        throw new TemplateError(`unknown helper "${head}" in "{{${body}}}" — helpers are ${TEMPLATE_HELPERS.join(', ')}; a variable takes no arguments`);
    }
    if (!PATH.test(head))
        throw new TemplateError(`"${head}" is not a variable name or path (like user.id)`);
    if (head.startsWith('env.')) {
        const name = head.slice(4);
        if (name.includes('.'))
            throw new TemplateError(`"${head}" is not an environment variable name`);
        return { kind: 'env', name };
    }
    return { kind: 'variable', path: head };
}
function tokenize(body) {
    const words = [];
    const token = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+))\s*/y;
    const text = body.trim();
    while (token.lastIndex < text.length) {
        const match = token.exec(text);
        if (!match)
            throw new TemplateError(`unbalanced quotes in "{{${body}}}"`);
        if (match[1] !== undefined)
            words.push(match[1].replace(/\\(.)/g, '$1'));
        else if (match[2] !== undefined)
            words.push(match[2]);
        else if (match[3] !== undefined)
            words.push(match[3]);
    }
    return words;
}
function noArguments(helper, args) {
    if (args.length > 0)
        throw new TemplateError(`helper "${helper}" takes no arguments, got ${args.join(' ')}`);
}
function parseNow(args) {
    let offsetMs = 0;
    let format;
    for (const arg of args) {
        const offset = OFFSET.exec(arg);
        if (offset) {
            const [, sign, amount, unit = ''] = offset;
            offsetMs += (sign === '-' ? -1 : 1) * Number(amount) * (UNIT_MS[unit] ?? 0);
        }
        else if (format === undefined) {
            format = arg;
        }
        else {
            throw new TemplateError(`helper "now" got ${JSON.stringify(arg)} after the format — expected offsets like "+1d" "-2h" "+30m" and one format`);
        }
    }
    return { kind: 'now', offsetMs, format: format ?? 'iso' };
}
function parseRandom(args) {
    if (args.length > 2)
        throw new TemplateError(`helper "random" takes a length and a charset, got ${args.join(' ')}`);
    const [lengthText = '16', charset = 'alnum'] = args;
    const length = Number(lengthText);
    if (!Number.isInteger(length) || length < 1 || length > MAX_RANDOM_LENGTH) {
        throw new TemplateError(`helper "random" has length ${JSON.stringify(lengthText)} — expected a whole number 1-${MAX_RANDOM_LENGTH}`);
    }
    if (!(charset in CHARSETS)) {
        throw new TemplateError(`helper "random" has charset ${JSON.stringify(charset)} — expected one of ${Object.keys(CHARSETS).join(', ')}`);
    }
    return { kind: 'random', length, charset };
}
function evaluate(expression, vars, options) {
    switch (expression.kind) {
        case 'variable':
            return lookup(vars, expression.path);
        case 'env': {
            const value = (options.env ?? process.env)[expression.name];
            if (value === undefined)
                throw new TemplateError(`environment variable ${expression.name} is not set`);
            return value;
        }
        case 'now':
            return formatTime(new Date((options.now?.() ?? new Date()).getTime() + expression.offsetMs), expression.format);
        case 'timestamp':
            return (options.now?.() ?? new Date()).getTime();
        case 'uuid':
            return (0,external_node_crypto_.randomUUID)();
        case 'random':
            return randomString(expression.length, CHARSETS[expression.charset] ?? '');
    }
}
function lookup(vars, path) {
    const parts = path.split('.');
    let value = vars;
    for (const [index, part] of parts.entries()) {
        const container = value;
        const found = container !== null && typeof container === 'object' && Object.hasOwn(container, part);
        if (!found) {
            const known = index === 0 ? Object.keys(vars) : [];
            const reached = parts.slice(0, index).join('.');
            throw new TemplateError(index === 0
                ? `unknown variable "${path}"${known.length > 0 ? ` (known: ${known.slice(0, 20).join(', ')})` : ' (no variables are defined)'}`
                : `unknown variable "${path}": "${reached}" has no "${part}"`, path);
        }
        value = container[part];
    }
    if (value === undefined)
        throw new TemplateError(`unknown variable "${path}"`, path);
    return value;
}
function stringify(value) {
    if (typeof value === 'string')
        return value;
    if (value === null || typeof value !== 'object')
        return String(value);
    return JSON.stringify(value);
}
function formatTime(date, format) {
    switch (format) {
        case 'iso':
            return date.toISOString();
        case 'date':
            return date.toISOString().slice(0, 10);
        case 'unix':
            return String(Math.floor(date.getTime() / 1000));
        case 'unix-ms':
            return String(date.getTime());
    }
    const pad = (value, width = 2) => String(value).padStart(width, '0');
    const parts = {
        YYYY: pad(date.getUTCFullYear(), 4),
        MM: pad(date.getUTCMonth() + 1),
        DD: pad(date.getUTCDate()),
        HH: pad(date.getUTCHours()),
        mm: pad(date.getUTCMinutes()),
        ss: pad(date.getUTCSeconds()),
        SSS: pad(date.getUTCMilliseconds(), 3),
    };
    if (!/YYYY|MM|DD|HH|mm|ss|SSS/.test(format)) {
        throw new TemplateError(`helper "now" has format ${JSON.stringify(format)} — expected iso, date, unix, unix-ms or a pattern with YYYY MM DD HH mm ss SSS`);
    }
    return format.replace(/YYYY|SSS|MM|DD|HH|mm|ss/g, (token) => parts[token] ?? token);
}
function randomString(length, alphabet) {
    // Rejection sampling keeps every character equally likely.
    const limit = 256 - (256 % alphabet.length);
    let result = '';
    while (result.length < length) {
        for (const byte of (0,external_node_crypto_.randomBytes)(length * 2)) {
            if (byte < limit && result.length < length)
                result += alphabet[byte % alphabet.length];
        }
    }
    return result;
}
function shorten(text) {
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

;// CONCATENATED MODULE: ./packages/checks/src/parse-scope.ts
// The Scope of one check definition: typed field readers that record every problem with the check's name, the
// field and the line, plus the small value helpers the field readers share.



/** Reads the fields of one check, recording problems with the check's name, the field and its line. */
class Scope {
    parser;
    label;
    base;
    references = [];
    constructor(parser, label, base) {
        this.parser = parser;
        this.label = label;
        this.base = base;
    }
    problem(path, message) {
        const where = this.parser.where([...this.base, ...path]);
        const field = fieldName(path);
        this.parser.problems.push(`${this.label}${where ? ` (${where})` : ''}: ${field ? `${field} ` : ''}${message}`);
    }
    allowOnly(value, keys, path) {
        for (const key of Object.keys(value)) {
            if (!keys.includes(key)) {
                const camel = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
                const hint = keys.includes(camel)
                    ? ` (did you mean "${camel}"?)`
                    : ` — expected one of ${keys.join(', ')}`;
                this.problem([...path, key], `is not a known field${hint}`);
            }
        }
    }
    /** Records the variables used by a templated string and reports malformed templates. */
    template(value, path) {
        try {
            for (const variable of templateVariables(value)) {
                const location = this.parser.where([...this.base, ...path]);
                this.references.push({ variable, field: fieldName(path), location });
            }
        }
        catch (error) {
            if (!(error instanceof TemplateError))
                throw error;
            this.problem(path, `has a bad template: ${error.message}`);
        }
        return value;
    }
    /** Walks any JSON-like value, recording templates in its strings (keys included). */
    templates(value, path) {
        if (typeof value === 'string')
            this.template(value, path);
        else if (Array.isArray(value))
            value.forEach((item, index) => this.templates(item, [...path, index]));
        else if (isObject(value)) {
            for (const [key, item] of Object.entries(value)) {
                this.template(key, [...path, key]);
                this.templates(item, [...path, key]);
            }
        }
        return value;
    }
    text(value, key, path, required = false) {
        const field = value[key];
        if (field === undefined || field === null) {
            if (required)
                this.problem([...path, key], 'is required');
            return undefined;
        }
        if (typeof field === 'number' || typeof field === 'boolean')
            return String(field);
        if (typeof field !== 'string' || (required && field.trim() === '')) {
            this.problem([...path, key], `must be text, got ${describe(field)}`);
            return undefined;
        }
        return this.template(field, [...path, key]);
    }
    duration(value, key, path) {
        const field = value[key];
        if (field === undefined)
            return undefined;
        const ms = parseDuration(field);
        if (ms === undefined)
            this.problem([...path, key], `has ${describe(field)} — expected a duration like 500ms, 5s, 2m`);
        return ms;
    }
    number(value, key, path, range) {
        const field = value[key];
        if (field === undefined)
            return undefined;
        const number = typeof field === 'string' && field.trim() !== '' ? Number(field) : field;
        if (typeof number !== 'number' ||
            !Number.isFinite(number) ||
            number < range.min ||
            number > range.max ||
            (range.integer && !Number.isInteger(number))) {
            const kind = range.integer ? 'a whole number' : 'a number';
            this.problem([...path, key], `has ${describe(field)} — expected ${kind} from ${range.min} to ${range.max}`);
            return undefined;
        }
        return number;
    }
    stringMap(value, path) {
        if (value === undefined)
            return {};
        if (!isObject(value)) {
            this.problem(path, `must be a map of names to text, got ${describe(value)}`);
            return {};
        }
        const result = {};
        for (const [key, item] of Object.entries(value)) {
            if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
                result[key] = this.template(String(item), [...path, key]);
            }
            else {
                this.problem([...path, key], `must be text, got ${describe(item)}`);
            }
        }
        return result;
    }
    regex(pattern, path) {
        try {
            new RegExp(pattern);
        }
        catch (error) {
            this.problem(path, `is not a valid regular expression: ${error.message}`);
        }
        return this.template(pattern, path);
    }
    jsonPath(path, at) {
        try {
            assertValidPath(path);
        }
        catch (error) {
            this.problem(at, `is not a valid JSONPath: ${error.message}`);
        }
        return path;
    }
}
function fieldName(path) {
    return path.reduce((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}
function describe(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a map';
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function prune(value) {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

// EXTERNAL MODULE: ./packages/core/src/redact.ts
var redact = __webpack_require__(796);
;// CONCATENATED MODULE: ./packages/checks/src/parse-fields.ts
// The readers for each field of a check definition (request, invoke, expect, capture, retry, until, samples),
// each validating its part and reporting problems through the check's Scope.


const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
const CHECK_KEYS = [
    'name',
    'function',
    'request',
    'invoke',
    'expect',
    'capture',
    'retry',
    'until',
    'samples',
    'sample-concurrency',
    'max-error-rate',
    'max-p50-latency',
    'max-p95-latency',
    'max-p99-latency',
];
const EXPECT_KEYS = [
    'status',
    'body',
    'json',
    'headers',
    'max-duration',
    'version',
    'version-from',
    'function-error',
];
const UNTIL_OPTIONS = ['interval', 'timeout', 'backoff', 'max-interval'];
const JSON_ASSERTION_KEYS = [
    'path',
    'equals',
    'not-equals',
    'one-of',
    'exists',
    'matches',
    'contains',
    'type',
    'length',
    'gt',
    'gte',
    'lt',
    'lte',
];
const TEXT_KEYS = ['equals', 'contains', 'not-contains', 'matches', 'exists'];
const MAX_SAMPLES = 10_000;
function requestSpec(scope, raw) {
    const path = ['request'];
    if (typeof raw === 'string') {
        const [, method = '', url = ''] = /^([A-Za-z]+)\s+(\S.*)$/.exec(raw.trim()) ?? [];
        const withMethod = METHODS.includes(method.toUpperCase());
        return {
            method: withMethod ? method.toUpperCase() : 'GET',
            url: scope.template(withMethod ? url : raw.trim(), path),
            headers: {},
            query: {},
        };
    }
    if (!isObject(raw)) {
        scope.problem(path, `must be a map with at least a url, got ${describe(raw)}`);
        return undefined;
    }
    scope.allowOnly(raw, ['method', 'url', 'headers', 'query', 'body', 'json', 'timeout'], path);
    const method = (scope.text(raw, 'method', path) ?? 'GET').toUpperCase();
    if (!METHODS.includes(method) && !method.includes('{{')) {
        scope.problem([...path, 'method'], `has "${method}" — expected one of ${METHODS.join(', ')}`);
    }
    const url = scope.text(raw, 'url', path, true) ?? '';
    if (url && !url.includes('{{') && !/^https?:\/\//i.test(url) && !url.startsWith('/')) {
        scope.problem([...path, 'url'], `has ${describe(url)} — expected an http(s) URL, or a path with base-url set`);
    }
    if (raw.body !== undefined && raw.json !== undefined) {
        scope.problem([...path, 'json'], 'cannot be combined with body: send text in body or a document in json');
    }
    let body;
    let json;
    if (typeof raw.body === 'string')
        body = scope.template(raw.body, [...path, 'body']);
    else if (raw.body !== undefined)
        json = scope.templates(raw.body, [...path, 'body']);
    if (raw.json !== undefined)
        json = scope.templates(raw.json, [...path, 'json']);
    const field = raw.json !== undefined ? 'json' : raw.body !== undefined ? 'body' : undefined;
    if (field && (method === 'GET' || method === 'HEAD')) {
        scope.problem([...path, field], `is sent with method ${method}${raw.method === undefined ? ' (the default)' : ''}, which cannot carry a body — set method: POST, PUT, PATCH or DELETE`);
    }
    const headers = scope.stringMap(raw.headers, [...path, 'headers']);
    for (const [name, value] of Object.entries(headers)) {
        // The value is not quoted: a header value is often a secret.
        if (/[\r\n\0]/.test(value))
            scope.problem([...path, 'headers', name], 'has a line break or NUL (value not shown) — a header value must be one line');
    }
    return {
        method,
        url,
        headers,
        query: scope.stringMap(raw.query, [...path, 'query']),
        body,
        json,
        timeoutMs: scope.duration(raw, 'timeout', path),
    };
}
/** `function:` of an HTTP check: a plain function name (matched against the release's functions before sending). */
function checkedFunction(scope, raw) {
    if (raw.function === undefined)
        return undefined;
    if (raw.invoke !== undefined) {
        scope.problem(['function'], 'is for HTTP checks — an invoke check tests the function it invokes');
        return undefined;
    }
    const name = raw.function;
    if (typeof name !== 'string' || !/^[\w:.-]+$/.test(name.trim())) {
        scope.problem(['function'], `has ${describe(name)} — expected the name of a function of the release, like orders-api (no templates)`);
        return undefined;
    }
    return name.trim();
}
function invokeSpec(scope, raw) {
    const path = ['invoke'];
    if (!isObject(raw)) {
        scope.problem(path, `must be a map with a function, got ${describe(raw)}`);
        return undefined;
    }
    scope.allowOnly(raw, ['function', 'qualifier', 'payload'], path);
    return {
        function: scope.text(raw, 'function', path, true) ?? '',
        qualifier: scope.text(raw, 'qualifier', path),
        payload: raw.payload === undefined ? undefined : scope.templates(raw.payload, [...path, 'payload']),
    };
}
function expectation(scope, raw, path, keys) {
    if (!isObject(raw)) {
        scope.problem(path, `must be a map of assertions, got ${describe(raw)}`);
        return {};
    }
    scope.allowOnly(raw, keys, path);
    const expect = {};
    if (raw.status !== undefined)
        expect.status = statusRanges(scope, raw.status, [...path, 'status']);
    if (raw.body !== undefined)
        expect.body = textAssertion(scope, raw.body, [...path, 'body']);
    if (raw.json !== undefined)
        expect.json = jsonAssertions(scope, raw.json, [...path, 'json']);
    if (raw.headers !== undefined) {
        if (!isObject(raw.headers))
            scope.problem([...path, 'headers'], 'must be a map of header names to assertions');
        else {
            expect.headers = Object.fromEntries(Object.entries(raw.headers).map(([name, item]) => [
                name.toLowerCase(),
                textAssertion(scope, item, [...path, 'headers', name]),
            ]));
        }
    }
    expect.maxDurationMs = scope.duration(raw, 'max-duration', path);
    expect.version = scope.text(raw, 'version', path);
    if (raw['version-from'] !== undefined)
        expect.versionFrom = versionSource(scope, raw['version-from'], [...path, 'version-from']);
    if (raw['function-error'] !== undefined) {
        if (typeof raw['function-error'] !== 'boolean')
            scope.problem([...path, 'function-error'], 'must be true or false');
        else
            expect.functionError = raw['function-error'];
    }
    for (const key of Object.keys(expect))
        if (expect[key] === undefined)
            delete expect[key];
    return expect;
}
/** 200, "2xx", "200-299", "201,204", or a list of those. */
function statusRanges(scope, raw, path) {
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
    const ranges = [];
    for (const item of items) {
        const text = String(item).trim().toLowerCase();
        let match;
        if ((match = /^([1-5])xx$/.exec(text)))
            ranges.push({ min: Number(match[1]) * 100, max: Number(match[1]) * 100 + 99 });
        else if ((match = /^(\d{3})\s*-\s*(\d{3})$/.exec(text)) && Number(match[1]) <= Number(match[2])) {
            ranges.push({ min: Number(match[1]), max: Number(match[2]) });
        }
        else if (/^\d{3}$/.test(text))
            ranges.push({ min: Number(text), max: Number(text) });
        else {
            scope.problem(path, `has ${describe(item)} — expected a status like 200, "2xx", "200-299" or a list of them`);
            return [];
        }
    }
    return ranges;
}
/** A string is shorthand for `contains`. */
function textAssertion(scope, raw, path) {
    if (typeof raw === 'string' || typeof raw === 'number')
        return { contains: [scope.template(String(raw), path)] };
    if (!isObject(raw)) {
        scope.problem(path, `must be text (contains) or a map with ${TEXT_KEYS.join(', ')}, got ${describe(raw)}`);
        return {};
    }
    scope.allowOnly(raw, TEXT_KEYS, path);
    const list = (key) => {
        const value = raw[key];
        if (value === undefined)
            return undefined;
        const items = Array.isArray(value) ? value : [value];
        return items.map((item, index) => {
            if (typeof item !== 'string' && typeof item !== 'number') {
                scope.problem([...path, key, index], `must be text, got ${describe(item)}`);
                return '';
            }
            return scope.template(String(item), Array.isArray(value) ? [...path, key, index] : [...path, key]);
        });
    };
    const assertion = {
        equals: scope.text(raw, 'equals', path),
        contains: list('contains'),
        notContains: list('not-contains'),
        matches: typeof raw.matches === 'string' ? scope.regex(raw.matches, [...path, 'matches']) : undefined,
    };
    if (raw.matches !== undefined && typeof raw.matches !== 'string')
        scope.problem([...path, 'matches'], 'must be a regular expression');
    if (raw.exists !== undefined) {
        if (typeof raw.exists !== 'boolean')
            scope.problem([...path, 'exists'], 'must be true or false');
        else
            assertion.exists = raw.exists;
    }
    return prune(assertion);
}
/** A list of `{ path, <assertions> }`, or a map of path to an expected value (or to a map of assertions). */
function jsonAssertions(scope, raw, path) {
    if (Array.isArray(raw)) {
        return raw.flatMap((item, index) => {
            if (!isObject(item) || typeof item.path !== 'string') {
                scope.problem([...path, index], 'must be a map with a path (a JSONPath like $.user.id) and assertions');
                return [];
            }
            return [jsonAssertion(scope, item, item.path, [...path, index])];
        });
    }
    if (isObject(raw)) {
        return Object.entries(raw).map(([jsonPath, item]) => {
            const isAssertionMap = isObject(item) &&
                Object.keys(item).length > 0 &&
                Object.keys(item).every((key) => JSON_ASSERTION_KEYS.includes(key));
            return isAssertionMap
                ? jsonAssertion(scope, item, jsonPath, [...path, jsonPath])
                : jsonAssertion(scope, { equals: item }, jsonPath, [...path, jsonPath]);
        });
    }
    scope.problem(path, `must be a list of JSONPath assertions or a map of JSONPath to value, got ${describe(raw)}`);
    return [];
}
function jsonAssertion(scope, raw, jsonPath, path) {
    scope.allowOnly(raw, JSON_ASSERTION_KEYS, path);
    const assertion = { path: scope.jsonPath(jsonPath, [...path, 'path']) };
    const keys = Object.keys(raw).filter((key) => key !== 'path');
    if (keys.length === 0)
        scope.problem(path, `has no assertion — give one of ${JSON_ASSERTION_KEYS.slice(1).join(', ')}`);
    if (raw.equals !== undefined)
        assertion.equals = scope.templates(raw.equals, [...path, 'equals']);
    if (raw['not-equals'] !== undefined)
        assertion.notEquals = scope.templates(raw['not-equals'], [...path, 'not-equals']);
    if (raw.contains !== undefined)
        assertion.contains = scope.templates(raw.contains, [...path, 'contains']);
    if (raw['one-of'] !== undefined) {
        if (!Array.isArray(raw['one-of']))
            scope.problem([...path, 'one-of'], 'must be a list of values');
        else
            assertion.oneOf = scope.templates(raw['one-of'], [...path, 'one-of']);
    }
    if (raw.exists !== undefined) {
        if (typeof raw.exists !== 'boolean')
            scope.problem([...path, 'exists'], 'must be true or false');
        else
            assertion.exists = raw.exists;
    }
    if (raw.matches !== undefined) {
        if (typeof raw.matches !== 'string')
            scope.problem([...path, 'matches'], 'must be a regular expression');
        else
            assertion.matches = scope.regex(raw.matches, [...path, 'matches']);
    }
    if (raw.type !== undefined) {
        if (!JSON_TYPES.includes(raw.type)) {
            scope.problem([...path, 'type'], `has ${describe(raw.type)} — expected one of ${JSON_TYPES.join(', ')}`);
        }
        else
            assertion.type = raw.type;
    }
    if (raw.length !== undefined) {
        if (isObject(raw.length))
            assertion.length = comparison(scope, raw.length, [...path, 'length']);
        else
            assertion.length = scope.number(raw, 'length', path, {
                min: 0,
                max: Number.MAX_SAFE_INTEGER,
                integer: true,
            });
    }
    Object.assign(assertion, prune(comparison(scope, raw, path, false)));
    return prune(assertion);
}
function comparison(scope, raw, path, strict = true) {
    if (strict)
        scope.allowOnly(raw, ['gt', 'gte', 'lt', 'lte'], path);
    const range = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
    return prune({
        gt: scope.number(raw, 'gt', path, range),
        gte: scope.number(raw, 'gte', path, range),
        lt: scope.number(raw, 'lt', path, range),
        lte: scope.number(raw, 'lte', path, range),
    });
}
/** "header:x-version", "json:$.version", or `{ header }` / `{ json }`. */
function versionSource(scope, raw, path) {
    if (typeof raw === 'string') {
        const [, kind, source = ''] = /^(header|json):(.+)$/.exec(raw.trim()) ?? [];
        if (kind === 'header')
            return { header: source.trim().toLowerCase() };
        if (kind === 'json')
            return { json: scope.jsonPath(source.trim(), path) };
    }
    else if (isObject(raw) && Object.keys(raw).length === 1) {
        if (typeof raw.header === 'string')
            return { header: raw.header.toLowerCase() };
        if (typeof raw.json === 'string')
            return { json: scope.jsonPath(raw.json, [...path, 'json']) };
    }
    scope.problem(path, `has ${describe(raw)} — expected "header:<name>" or "json:<JSONPath>"`);
    return undefined;
}
function captures(scope, raw) {
    const path = ['capture'];
    if (!isObject(raw)) {
        scope.problem(path, 'must be a map of variable names to a JSONPath, a header or a regex');
        return {};
    }
    const result = {};
    for (const [name, item] of Object.entries(raw)) {
        const at = [...path, name];
        if (!/^[A-Za-z_][\w-]*$/.test(name) || name === 'env') {
            scope.problem(at, 'is not a usable variable name (letters, digits, _ and -, not "env")');
            continue;
        }
        if (typeof item === 'string') {
            result[name] = { json: scope.jsonPath(item, at) };
            continue;
        }
        if (!isObject(item)) {
            scope.problem(at, `must be a JSONPath or a map with json, header or regex, got ${describe(item)}`);
            continue;
        }
        scope.allowOnly(item, ['json', 'header', 'regex', 'secret'], at);
        const secret = item.secret === true;
        if (item.secret !== undefined && typeof item.secret !== 'boolean')
            scope.problem([...at, 'secret'], 'must be true or false');
        const sources = ['json', 'regex', 'header'].filter((key) => item[key] !== undefined);
        const regexOnHeader = sources.length === 2 && item.regex !== undefined && item.header !== undefined;
        if (sources.length !== 1 && !regexOnHeader) {
            scope.problem(at, 'needs exactly one of json (a JSONPath), header (a name) or regex (optionally with header)');
            continue;
        }
        if (typeof item.json === 'string')
            result[name] = { json: scope.jsonPath(item.json, [...at, 'json']), secret };
        else if (typeof item.regex === 'string') {
            result[name] = {
                regex: scope.regex(item.regex, [...at, 'regex']),
                header: typeof item.header === 'string' ? item.header.toLowerCase() : undefined,
                secret,
            };
        }
        else if (typeof item.header === 'string')
            result[name] = { header: item.header.toLowerCase(), secret };
        else
            scope.problem(at, 'json, header and regex must be text');
    }
    return result;
}
function retrySpec(scope, raw) {
    const path = ['retry'];
    const value = typeof raw === 'number' || typeof raw === 'string' ? { attempts: raw } : raw;
    if (!isObject(value)) {
        scope.problem(path, 'must be a number of attempts or a map with attempts, delay, backoff, max-delay');
        return undefined;
    }
    scope.allowOnly(value, ['attempts', 'delay', 'backoff', 'max-delay'], path);
    return {
        attempts: scope.number(value, 'attempts', path, { min: 1, max: 100, integer: true }) ?? 3,
        delayMs: scope.duration(value, 'delay', path) ?? 1000,
        backoff: scope.number(value, 'backoff', path, { min: 1, max: 10 }) ?? 2,
        maxDelayMs: scope.duration(value, 'max-delay', path) ?? 30_000,
    };
}
/**
 * `until: { expect: {...}, fail-if: {...}, interval, timeout }`: poll until `expect` holds, stop at once as failed
 * when `fail-if` holds. The conditions of `expect` may also be written directly in `until`.
 */
function untilSpec(scope, raw) {
    const path = ['until'];
    if (!isObject(raw)) {
        scope.problem(path, 'must be a map with expect (the assertions to wait for), interval and timeout');
        return undefined;
    }
    const flat = Object.keys(raw).filter((key) => EXPECT_KEYS.includes(key));
    let expect;
    if (raw.expect !== undefined) {
        scope.allowOnly(raw, ['expect', 'fail-if', ...UNTIL_OPTIONS], path);
        expect = expectation(scope, raw.expect, [...path, 'expect'], EXPECT_KEYS);
    }
    else {
        expect = expectation(scope, raw, path, [...EXPECT_KEYS, 'fail-if', ...UNTIL_OPTIONS]);
    }
    if (raw.expect === undefined && flat.length === 0)
        scope.problem(path, `has no condition — give expect with one of ${EXPECT_KEYS.join(', ')}`);
    let failIf;
    if (raw['fail-if'] !== undefined) {
        failIf = {
            expect: expectation(scope, raw['fail-if'], [...path, 'fail-if'], EXPECT_KEYS),
            shown: (0,redact/* snippet */.UA)(JSON.stringify(raw['fail-if']), 200),
        };
        if (isObject(raw['fail-if']) && Object.keys(raw['fail-if']).length === 0)
            scope.problem([...path, 'fail-if'], `has no condition — give one of ${EXPECT_KEYS.join(', ')}`);
    }
    return {
        expect,
        failIf,
        intervalMs: scope.duration(raw, 'interval', path) ?? 1000,
        timeoutMs: scope.duration(raw, 'timeout', path) ?? 60_000,
        backoff: scope.number(raw, 'backoff', path, { min: 1, max: 10 }) ?? 1.5,
        maxIntervalMs: scope.duration(raw, 'max-interval', path) ?? 10_000,
    };
}
function samplingSpec(scope, raw) {
    const thresholds = [
        'sample-concurrency',
        'max-error-rate',
        'max-p50-latency',
        'max-p95-latency',
        'max-p99-latency',
    ];
    if (raw.samples === undefined) {
        for (const key of thresholds)
            if (raw[key] !== undefined)
                scope.problem([key], 'needs samples (how many requests to send)');
        return undefined;
    }
    const count = scope.number(raw, 'samples', [], { min: 1, max: MAX_SAMPLES, integer: true }) ?? 1;
    return {
        count,
        concurrency: scope.number(raw, 'sample-concurrency', [], { min: 1, max: 100, integer: true }) ?? Math.min(count, 5),
        maxErrorRate: errorRate(scope, raw['max-error-rate']) ?? 0,
        maxP50Ms: scope.duration(raw, 'max-p50-latency', []),
        maxP95Ms: scope.duration(raw, 'max-p95-latency', []),
        maxP99Ms: scope.duration(raw, 'max-p99-latency', []),
    };
}
/** "1%", "0.01" or 0.01. */
function parseErrorRate(raw) {
    const text = String(raw).trim();
    const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
    if (!match)
        return undefined;
    const value = match[2] ? Number(match[1]) / 100 : Number(match[1]);
    return value >= 0 && value <= 1 ? value : undefined;
}
function errorRate(scope, raw) {
    if (raw === undefined)
        return undefined;
    const rate = parseErrorRate(raw);
    if (rate === undefined)
        scope.problem(['max-error-rate'], `has ${describe(raw)} — expected a share like "1%" or 0.01`);
    return rate;
}

;// CONCATENATED MODULE: ./packages/checks/src/parse.ts






/** A bad check definition; `problems` lists every one found, each naming the check, the field and the line. */
class CheckDefinitionError extends Error {
    problems;
    name = 'CheckDefinitionError';
    constructor(problems) {
        const shown = problems.slice(0, 10);
        const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
        super(problems.length === 1
            ? `invalid checks: ${problems[0]}`
            : `invalid checks (${problems.length} problems):\n  ${shown.join('\n  ')}${more}`);
        this.problems = problems;
    }
}
/**
 * Validates check definitions and returns a typed suite, or throws a CheckDefinitionError listing every problem.
 *
 * `source` is a parsed document, or YAML/JSON text. Accepted shapes: a list of checks and flows, or
 * `{ vars, base-url, checks: [...] }`. A flow is `{ flow: <name>, steps: [checks...] }`.
 */
function parseChecks(source, origin = {}) {
    let text = origin.text;
    let value = source;
    if (typeof source === 'string') {
        text = source;
        value = undefined;
    }
    let locate = () => undefined;
    if (text !== undefined) {
        const where = origin.file ?? 'checks';
        if (text.length > src_document/* MAX_DOCUMENT_CHARS */.L) {
            throw new CheckDefinitionError([
                `${where} has ${text.length} characters — at most ${src_document/* MAX_DOCUMENT_CHARS */.L} are accepted`,
            ]);
        }
        const lineCounter = new dist/* LineCounter */.HN();
        const document = (0,dist/* parseDocument */.Tp)(text, { lineCounter, prettyErrors: false });
        const syntax = document.errors[0];
        if (syntax) {
            const line = lineCounter.linePos(syntax.pos[0]).line;
            throw new CheckDefinitionError([
                `${where}${line ? ` line ${line}` : ''} is not valid YAML: ${syntax.message.split('\n')[0]}`,
            ]);
        }
        if (value === undefined)
            value = toPlainValue(document, lineCounter, where);
        locate = (path) => lineOf(document, lineCounter, path);
    }
    return new SuiteParser(origin.file, locate).suite(value);
}
/** Reads and parses a checks file (YAML or JSON), with line numbers in every problem. */
async function parseChecksFile(file) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw new CheckDefinitionError([`cannot read checks file ${file}: ${error.message}`]);
    }
    return parseChecks(text, { file, text });
}
/** The document as plain data; an alias bomb (aliases expanding to millions of nodes) is refused at once. */
function toPlainValue(document, lineCounter, where) {
    try {
        return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch (error) {
        if (!(error instanceof ReferenceError))
            throw error;
        let line;
        (0,dist/* visit */.YR)(document, (_key, node) => {
            if ((0,dist/* isAlias */.Vj)(node) && node.range) {
                line = lineCounter.linePos(node.range[0]).line;
                return dist/* visit */.YR.BREAK;
            }
        });
        throw new CheckDefinitionError([
            `${where}${line ? ` line ${line}` : ''} uses YAML aliases that expand too far (${error.message}) — write the checks out, or use fewer aliases`,
        ]);
    }
}
/** yaml's own default: enough for shared headers, far too few for a billion laughs. */
const MAX_ALIAS_COUNT = 100;
function lineOf(document, lineCounter, path) {
    // A missing field has no node: fall back to the nearest existing parent.
    for (let length = path.length; length >= 0; length--) {
        const node = document.getIn(path.slice(0, length), true);
        if ((0,dist/* isNode */.Ll)(node) && node.range)
            return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
}
class SuiteParser {
    file;
    locate;
    problems = [];
    names = new Set();
    constructor(file, locate) {
        this.file = file;
        this.locate = locate;
    }
    where(path) {
        const line = this.locate(path);
        if (line === undefined)
            return this.file;
        return `${this.file ?? 'line'}${this.file ? ' line' : ''} ${line}`;
    }
    suite(value) {
        let list = value;
        let listPath = [];
        let vars = {};
        let baseUrl;
        if (isObject(value)) {
            const scope = new Scope(this, 'checks', []);
            scope.allowOnly(value, ['vars', 'base-url', 'checks'], []);
            if (value.vars !== undefined) {
                if (isObject(value.vars))
                    vars = value.vars;
                else
                    scope.problem(['vars'], 'must be a map of names to values');
            }
            if (value['base-url'] !== undefined)
                baseUrl = scope.text(value, 'base-url', []);
            list = value.checks;
            listPath = ['checks'];
            if (list === undefined)
                scope.problem(['checks'], 'is required: a list of checks and flows');
        }
        const items = [];
        if (Array.isArray(list)) {
            if (list.length === 0)
                new Scope(this, 'checks', listPath).problem([], 'is empty: give at least one check');
            list.forEach((entry, index) => {
                const path = [...listPath, index];
                if (isObject(entry) && 'flow' in entry) {
                    const flow = this.flow(entry, path, index);
                    if (flow)
                        items.push({ flow });
                }
                else {
                    const check = this.check(entry, path, `check #${index + 1}`);
                    if (check)
                        items.push({ check });
                }
            });
        }
        else if (list !== undefined) {
            new Scope(this, 'checks', listPath).problem([], 'must be a list of checks (each with a name)');
        }
        if (this.problems.length > 0)
            throw new CheckDefinitionError(this.problems);
        return { vars, baseUrl, items };
    }
    flow(entry, path, index) {
        const name = typeof entry.flow === 'string' && entry.flow.trim() ? entry.flow.trim() : undefined;
        const scope = new Scope(this, name ? `flow "${name}"` : `flow #${index + 1}`, path);
        if (!name)
            scope.problem(['flow'], "must be the flow's name");
        scope.allowOnly(entry, ['flow', 'steps'], []);
        if (!Array.isArray(entry.steps) || entry.steps.length === 0) {
            scope.problem(['steps'], 'must be a non-empty list of checks run in order');
            return undefined;
        }
        const steps = entry.steps
            .map((step, stepIndex) => this.check(step, [...path, 'steps', stepIndex], `step #${stepIndex + 1} of flow "${name}"`, name))
            .filter((step) => step !== undefined);
        return { name: name ?? `flow #${index + 1}`, steps, location: this.where(path) };
    }
    check(entry, path, fallbackName, flow) {
        if (!isObject(entry)) {
            new Scope(this, fallbackName, path).problem([], 'must be a map with a name and a request or an invoke');
            return undefined;
        }
        const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : undefined;
        const scope = new Scope(this, name ? `check "${name}"` : fallbackName, path);
        if (!name)
            scope.problem(['name'], 'is required (a short unique name for reports)');
        else if (this.names.has(name))
            scope.problem(['name'], `"${name}" is used by another check; names must be unique`);
        else
            this.names.add(name);
        scope.allowOnly(entry, CHECK_KEYS, []);
        const request = entry.request === undefined ? undefined : requestSpec(scope, entry.request);
        const invoke = entry.invoke === undefined ? undefined : invokeSpec(scope, entry.invoke);
        if (entry.request === undefined && entry.invoke === undefined) {
            scope.problem([], 'needs a request (an HTTP call) or an invoke (a Lambda invoke)');
        }
        if (entry.request !== undefined && entry.invoke !== undefined) {
            scope.problem(['invoke'], 'cannot be combined with request: a check sends one or the other');
        }
        const expect = entry.expect === undefined ? {} : expectation(scope, entry.expect, ['expect'], EXPECT_KEYS);
        const capture = entry.capture === undefined ? {} : captures(scope, entry.capture);
        const retry = entry.retry === undefined ? undefined : retrySpec(scope, entry.retry);
        const until = entry.until === undefined ? undefined : untilSpec(scope, entry.until);
        const samples = samplingSpec(scope, entry);
        if (samples && until)
            scope.problem(['until'], 'cannot be combined with samples');
        return {
            name: name ?? fallbackName,
            flow,
            function: checkedFunction(scope, entry),
            request,
            invoke,
            expect,
            capture,
            retry,
            until,
            samples,
            location: this.where(path),
            references: scope.references,
        };
    }
}

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
;// CONCATENATED MODULE: ./packages/checks/src/answer.ts
const NOT_JSON = Symbol('not json');
const parsed = new WeakMap();
/** The body parsed as JSON, or undefined when it is not JSON (parsed once per answer). */
function answerJson(answer) {
    if (!parsed.has(answer)) {
        try {
            parsed.set(answer, JSON.parse(answer.body));
        }
        catch {
            parsed.set(answer, NOT_JSON);
        }
    }
    const value = parsed.get(answer);
    return value === NOT_JSON ? undefined : value;
}
function isJson(answer) {
    answerJson(answer);
    return parsed.get(answer) !== NOT_JSON;
}

;// CONCATENATED MODULE: ./packages/checks/src/version-proof.ts
/**
 * Headers an HTTP answer may use to say which function version served it, when the check names none. AWS sends
 * none of them by itself: the function's code sets one (e.g. x-function-version from AWS_LAMBDA_FUNCTION_VERSION).
 */
const VERSION_HEADERS = ['x-amz-executed-version', 'x-executed-version', 'x-function-version'];
/**
 * A check's own `version` always needs proof; so does any version for a check that names where the answer reports
 * it (`version-from`, the check's or the input's). A version that only comes from the record or expect-version is
 * proven when an HTTP answer reports one, and "not proven" when it reports none.
 */
function expectedVersion(check, invokedFunction, sources) {
    if (check.expect.version !== undefined)
        return { version: check.expect.version, optional: false };
    const optional = check.invoke === undefined && check.expect.versionFrom === undefined;
    const tested = invokedFunction ?? check.function;
    const own = tested === undefined ? undefined : sources.expectFunctionVersion?.(tested);
    if (own !== undefined)
        return { version: own, function: tested, optional };
    if (sources.expectVersion !== undefined)
        return { version: sources.expectVersion, optional };
    if (!sources.expectFunctionVersion)
        return undefined;
    return {
        notChecked: tested === undefined
            ? 'the release has several functions and this check names none (give it `function: <name>`)'
            : `the release has no new version of ${tested}`,
    };
}
/** What the final answer proved about the expected version (`version` as rendered for the run). */
function versionProof(expected, version, answer) {
    if (expected === undefined)
        return undefined;
    if ('notChecked' in expected)
        return { outcome: 'not checked', detail: expected.notChecked };
    if (answer === undefined || version === undefined)
        return undefined;
    const whose = expected.function === undefined ? '' : ` (${expected.function}'s new version)`;
    const base = { expected: version, function: expected.function };
    if (answer.executedVersion === version) {
        return { ...base, outcome: 'proven', detail: `answered by version ${version}${whose}` };
    }
    if (answer.executedVersion === undefined) {
        return {
            ...base,
            outcome: 'not proven',
            detail: `the answer reported no version, expected ${version}${whose}: have the function report it (e.g. an x-function-version header from AWS_LAMBDA_FUNCTION_VERSION) and name it with version-from to require it`,
        };
    }
    return {
        ...base,
        outcome: 'other version',
        detail: `answered by version ${answer.executedVersion}, expected ${version}${whose}`,
    };
}
/** Where an answer was looked at for its version and found nothing, for the failure message. */
function missingVersion(source) {
    if (source && 'header' in source)
        return `no ${source.header} header (version-from: header:${source.header})`;
    if (source)
        return `nothing at ${source.json} (version-from: json:${source.json})`;
    return `no version (none of the headers ${VERSION_HEADERS.join(', ')}; name where the function reports it with version-from, e.g. header:x-function-version)`;
}

;// CONCATENATED MODULE: ./packages/checks/src/assertions.ts





const SUCCESS = [{ min: 200, max: 299 }];
/** Judges an answer against an expectation; returns the first assertion that does not hold. */
function judge(expect, answer) {
    return (checkFunctionError(expect, answer) ??
        checkStatus(expect.status ?? (answer.kind === 'invoke' ? [{ min: 200, max: 200 }] : SUCCESS), answer) ??
        checkDuration(expect.maxDurationMs, answer) ??
        checkVersion(expect, answer) ??
        checkHeaders(expect.headers ?? {}, answer) ??
        (expect.body ? checkText('body', expect.body, answer.body) : undefined) ??
        checkJson(expect.json ?? [], answer));
}
function formatStatus(ranges) {
    return ranges
        .map(({ min, max }) => min === max ? String(min) : min % 100 === 0 && max === min + 99 ? `${min / 100}xx` : `${min}-${max}`)
        .join(', ');
}
function fail(assertion, expected, actual, reason) {
    return {
        assertion,
        expected,
        actual,
        reason: reason ?? `${assertion}: expected ${expected}, got ${actual}`,
    };
}
function checkFunctionError(expect, answer) {
    if (answer.kind !== 'invoke')
        return undefined;
    const wanted = expect.functionError ?? false;
    if (wanted === Boolean(answer.functionError))
        return undefined;
    return wanted
        ? fail('function error', 'a function error', 'a normal response')
        : fail('function error', 'no function error', `${answer.functionError}: ${(0,redact/* snippet */.UA)(answer.body, 200)}`, `the function returned an error (${answer.functionError})`);
}
function checkStatus(ranges, answer) {
    if (ranges.some(({ min, max }) => answer.status >= min && answer.status <= max))
        return undefined;
    return fail('status', formatStatus(ranges), String(answer.status));
}
function checkDuration(maxMs, answer) {
    if (maxMs === undefined || answer.durationMs <= maxMs)
        return undefined;
    return fail('max-duration', `at most ${formatMs(maxMs)}`, formatMs(answer.durationMs));
}
/** An HTTP answer that reports no version fails only when proof was asked for (see version-proof.ts). */
function checkVersion(expect, answer) {
    const version = expect.version;
    const reported = answer.executedVersion;
    if (version === undefined || reported === version)
        return undefined;
    if (reported === undefined) {
        if (answer.kind === 'http' && expect.versionOptional)
            return undefined;
        const missing = answer.kind === 'http' ? missingVersion(expect.versionFrom) : 'no executed version';
        return fail('version', `version ${version}`, 'no version reported', `answered with ${missing}, expected version ${version}`);
    }
    const actual = `version ${reported}`;
    return fail('version', `version ${version}`, actual, `answered by ${actual}, expected version ${version}`);
}
function checkHeaders(headers, answer) {
    for (const [name, assertion] of Object.entries(headers)) {
        const failure = checkText(`header ${name}`, assertion, answer.headers[name.toLowerCase()]);
        if (failure)
            return failure;
    }
    return undefined;
}
function checkText(subject, assertion, value) {
    const shown = value === undefined ? 'nothing (missing)' : JSON.stringify((0,redact/* snippet */.UA)(value, 200));
    if (assertion.exists !== undefined && assertion.exists !== (value !== undefined)) {
        return fail(`${subject} exists`, assertion.exists ? 'present' : 'absent', shown);
    }
    if (value === undefined) {
        if (assertion.exists === false)
            return undefined;
        const hasChecks = assertion.equals ?? assertion.contains ?? assertion.matches ?? assertion.notContains;
        return hasChecks === undefined ? undefined : fail(subject, 'present', shown);
    }
    if (assertion.equals !== undefined && value !== assertion.equals) {
        return fail(`${subject} equals`, JSON.stringify(assertion.equals), shown);
    }
    for (const part of assertion.contains ?? []) {
        if (!value.includes(part))
            return fail(`${subject} contains`, JSON.stringify(part), shown);
    }
    for (const part of assertion.notContains ?? []) {
        if (value.includes(part))
            return fail(`${subject} not-contains`, `no ${JSON.stringify(part)}`, shown);
    }
    if (assertion.matches !== undefined && !new RegExp(assertion.matches).test(value)) {
        return fail(`${subject} matches`, `/${assertion.matches}/`, shown);
    }
    return undefined;
}
function checkJson(assertions, answer) {
    if (assertions.length === 0)
        return undefined;
    if (!isJson(answer)) {
        return fail('json', 'a JSON body', JSON.stringify((0,redact/* snippet */.UA)(answer.body, 200)), 'the body is not JSON');
    }
    const json = answerJson(answer);
    for (const assertion of assertions) {
        const failure = checkJsonAssertion(assertion, json);
        if (failure)
            return failure;
    }
    return undefined;
}
function checkJsonAssertion(assertion, json) {
    const { path } = assertion;
    const result = queryPath(json, path);
    const actual = result.found ? show(result.value) : 'nothing (missing)';
    if (assertion.exists !== undefined) {
        if (assertion.exists !== result.found)
            return fail(`${path} exists`, assertion.exists ? 'present' : 'absent', actual);
        if (!result.found)
            return undefined;
    }
    if (!result.found)
        return fail(path, 'a value', actual, `${path} is missing`);
    const value = result.value;
    if (assertion.equals !== undefined && !deepEqual(value, assertion.equals)) {
        return fail(`${path} equals`, show(assertion.equals), actual);
    }
    if (assertion.notEquals !== undefined && deepEqual(value, assertion.notEquals)) {
        return fail(`${path} not-equals`, `not ${show(assertion.notEquals)}`, actual);
    }
    if (assertion.oneOf !== undefined && !assertion.oneOf.some((option) => deepEqual(value, option))) {
        return fail(`${path} one-of`, `one of ${show(assertion.oneOf)}`, actual);
    }
    if (assertion.type !== undefined && typeOf(value, assertion.type) !== assertion.type) {
        return fail(`${path} type`, assertion.type, `${typeOf(value)} ${actual}`);
    }
    if (assertion.matches !== undefined) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        if (!new RegExp(assertion.matches).test(text))
            return fail(`${path} matches`, `/${assertion.matches}/`, actual);
    }
    if (assertion.contains !== undefined && !containsValue(value, assertion.contains)) {
        return fail(`${path} contains`, show(assertion.contains), actual);
    }
    if (assertion.length !== undefined) {
        const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
        if (length === undefined)
            return fail(`${path} length`, 'a string or an array', actual);
        const wanted = typeof assertion.length === 'number'
            ? { gte: assertion.length, lte: assertion.length }
            : assertion.length;
        const broken = compare(length, wanted);
        if (broken)
            return fail(`${path} length`, describeComparison(wanted), String(length));
    }
    const comparison = { gt: assertion.gt, gte: assertion.gte, lt: assertion.lt, lte: assertion.lte };
    if (Object.values(comparison).some((bound) => bound !== undefined)) {
        if (typeof value !== 'number')
            return fail(`${path} comparison`, 'a number', actual);
        if (compare(value, comparison))
            return fail(`${path} ${describeComparison(comparison)}`, describeComparison(comparison), actual);
    }
    return undefined;
}
/** True when `value` breaks one of the bounds. */
function compare(value, bounds) {
    return ((bounds.gt !== undefined && !(value > bounds.gt)) ||
        (bounds.gte !== undefined && !(value >= bounds.gte)) ||
        (bounds.lt !== undefined && !(value < bounds.lt)) ||
        (bounds.lte !== undefined && !(value <= bounds.lte)));
}
function describeComparison(bounds) {
    if (bounds.gte !== undefined && bounds.gte === bounds.lte)
        return `= ${bounds.gte}`;
    const parts = [];
    if (bounds.gt !== undefined)
        parts.push(`> ${bounds.gt}`);
    if (bounds.gte !== undefined)
        parts.push(`>= ${bounds.gte}`);
    if (bounds.lt !== undefined)
        parts.push(`< ${bounds.lt}`);
    if (bounds.lte !== undefined)
        parts.push(`<= ${bounds.lte}`);
    return parts.join(' and ');
}
function typeOf(value, wanted) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'array';
    if (typeof value === 'number')
        return wanted === 'integer' && Number.isInteger(value) ? 'integer' : 'number';
    return typeof value;
}
function containsValue(value, part) {
    if (typeof value === 'string')
        return typeof part === 'string' && value.includes(part);
    if (Array.isArray(value))
        return value.some((item) => deepEqual(item, part));
    return false;
}
function deepEqual(a, b) {
    if (a === b)
        return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object')
        return false;
    if (Array.isArray(a) !== Array.isArray(b))
        return false;
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    return (aKeys.length === bKeys.length &&
        aKeys.every((key) => deepEqual(a[key], b[key])));
}
function show(value) {
    return (0,redact/* snippet */.UA)(JSON.stringify(value) ?? String(value), 200);
}

;// CONCATENATED MODULE: ./packages/checks/src/capture.ts


/** Reads every capture from an answer; a capture that finds nothing fails the check with the reason. */
function captureValues(captures, answer) {
    const values = {};
    for (const [name, spec] of Object.entries(captures)) {
        const found = read(spec, answer);
        if (found === undefined) {
            const source = 'json' in spec ? spec.json : 'regex' in spec ? `/${spec.regex}/` : `header ${spec.header}`;
            const why = 'json' in spec && !isJson(answer) ? ' (the body is not JSON)' : '';
            return {
                failure: {
                    assertion: `capture ${name}`,
                    expected: `a value at ${source}`,
                    reason: `capture ${name}: nothing found at ${source}${why}`,
                },
            };
        }
        values[name] = found;
    }
    return { values };
}
function read(spec, answer) {
    if ('json' in spec) {
        const result = queryPath(answerJson(answer), spec.json);
        return result.found && result.value !== undefined ? result.value : undefined;
    }
    if ('regex' in spec) {
        const text = spec.header === undefined ? answer.body : answer.headers[spec.header];
        if (text === undefined)
            return undefined;
        const match = new RegExp(spec.regex).exec(text);
        return match ? (match[1] ?? match[0]) : undefined;
    }
    return answer.headers[spec.header];
}

;// CONCATENATED MODULE: ./packages/core/src/logger.ts
/** A logger that keeps lines in memory (tests, and callers that print a timeline of their own). */
class MemoryLogger {
    lines = [];
    info(message) {
        this.lines.push(message);
    }
    warning(message) {
        this.lines.push(`warning: ${message}`);
    }
    debug(message) {
        this.lines.push(`debug: ${message}`);
    }
    async group(name, task) {
        this.lines.push(`[${name}]`);
        return task();
    }
    text() {
        return this.lines.join('\n');
    }
}
/** A logger that writes plain lines to the console (command-line use outside GitHub). */
const consoleLogger = {
    info: (message) => console.log(message),
    warning: (message) => console.warn(`warning: ${message}`),
    debug: (message) => {
        if (process.env.RUNNER_DEBUG === '1')
            console.log(`debug: ${message}`);
    },
    group: async (name, task) => {
        console.log(`== ${name}`);
        return task();
    },
};
/** The same lines, each redacted: for lines that carry a server's answer (retries, polls, warnings). */
function redactingLines(logger, redactor) {
    return {
        info: (message) => logger.info(redactor.redact(message)),
        warning: (message) => logger.warning(redactor.redact(message)),
        debug: (message) => logger.debug(redactor.redact(message)),
    };
}
/** The same logger with every line and group name redacted. */
function redactingLogger(logger, redactor) {
    return {
        ...redactingLines(logger, redactor),
        group: (name, task) => logger.group(redactor.redact(name), task),
    };
}

// EXTERNAL MODULE: ./packages/core/src/percent.ts
var percent = __webpack_require__(9368);
// EXTERNAL MODULE: ./packages/core/src/wait.ts
var wait = __webpack_require__(1576);
// EXTERNAL MODULE: ./packages/core/src/url-credentials.ts
var url_credentials = __webpack_require__(2939);
;// CONCATENATED MODULE: ./packages/checks/src/http.ts


const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** A request that got no HTTP answer (refused, reset, timed out); the message says which and where. */
class TransportError extends Error {
    name = 'TransportError';
}
/** Sends one rendered request and reads the whole answer, within the request's own timeout. */
async function sendHttp(spec, context) {
    // Header values are secrets from the moment they are read: before anything can throw with one in its message.
    for (const [name, value] of Object.entries(spec.headers))
        context.redactor.addHeader(name, value);
    const given = new URL(spec.url);
    context.redactor.addUserInfo(given);
    const { url, authorization } = (0,url_credentials/* splitUrlCredentials */.C)(given);
    for (const [name, value] of Object.entries(spec.query))
        url.searchParams.append(name, value);
    const headers = new Headers(headerEntries(spec.headers));
    if (authorization && !headers.has('authorization'))
        headers.set('authorization', authorization);
    let body = spec.body;
    if (spec.json !== undefined) {
        body = JSON.stringify(spec.json);
        if (!headers.has('content-type'))
            headers.set('content-type', 'application/json');
    }
    const request = describeRequest(spec.method, url, headers, body, context.redactor);
    const timeoutMs = spec.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
    const started = performance.now();
    try {
        const response = await context.fetch(url, {
            method: spec.method,
            headers,
            body: body ?? null,
            signal,
            redirect: 'manual',
        });
        const text = await response.text();
        return {
            kind: 'http',
            status: response.status,
            headers: Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value])),
            body: text,
            durationMs: performance.now() - started,
            request,
        };
    }
    catch (error) {
        if (context.signal?.aborted)
            throw error;
        const reason = timeout.aborted ? `no answer within ${timeoutMs}ms` : transportReason(error);
        throw new TransportError(`${request} failed: ${reason}`);
    }
}
/** The headers as entries; a value with a line break is refused without quoting it (it may be a secret). */
function headerEntries(given) {
    for (const [name, value] of Object.entries(given)) {
        if (/[\r\n\0]/.test(value)) {
            throw new TransportError(`header '${name}' has a value with a line break or NUL (not shown) — a header value must be one line`);
        }
    }
    return Object.entries(given);
}
function transportReason(error) {
    // Duck-typed: errors from fetch may come from another realm (test sandboxes), where instanceof fails.
    if (typeof error !== 'object' || error === null || !('message' in error))
        return String(error);
    // undici wraps the socket error; a refused dual-stack connect is an AggregateError of several.
    const cause = error.cause;
    const detail = cause?.code ? cause : (cause?.errors?.find((inner) => inner.code) ?? cause);
    if (detail?.code)
        return `${detail.code}${detail.message ? ` (${detail.message})` : ''}`;
    const message = String(error.message);
    return detail?.message ? `${message}: ${detail.message}` : message;
}
/** "POST http://host/path?q=1 headers: {authorization: ***} body: {...}" with secrets masked. */
function describeRequest(method, url, headers, body, redactor) {
    const parts = [`${method} ${redactor.redact(url.toString())}`];
    const shownHeaders = [...headers]
        .filter(([name]) => name !== 'content-type')
        .map(([name, value]) => `${name}: ${redactor.header(name, value)}`);
    if (shownHeaders.length > 0)
        parts.push(`headers {${shownHeaders.join(', ')}}`);
    if (body)
        parts.push(`body ${(0,redact/* snippet */.UA)(redactor.redact((0,redact/* maskSensitiveJson */.zh)(body)), 200)}`);
    return parts.join(' ');
}

// EXTERNAL MODULE: ./packages/core/src/abort.ts
var abort = __webpack_require__(1419);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-lambda/dist-cjs/index.js
var dist_cjs = __webpack_require__(1696);
;// CONCATENATED MODULE: ./packages/checks/src/invoke.ts




/** Invokes a function version or alias directly (RequestResponse) and reports which version executed. */
async function sendInvoke(spec, context) {
    const payload = spec.payload === undefined
        ? undefined
        : typeof spec.payload === 'string'
            ? spec.payload
            : JSON.stringify(spec.payload);
    const target = spec.qualifier ? `${spec.function}:${spec.qualifier}` : spec.function;
    const request = `invoke ${target}${payload ? ` payload ${(0,redact/* snippet */.UA)(context.redactor.redact((0,redact/* maskSensitiveJson */.zh)(payload)), 200)}` : ''}`;
    const signals = [
        context.signal,
        context.timeoutMs ? AbortSignal.timeout(context.timeoutMs) : undefined,
    ].filter((signal) => signal !== undefined);
    const started = performance.now();
    try {
        const response = await context.lambda.send(new dist_cjs/* InvokeCommand */.mdN({
            FunctionName: spec.function,
            Qualifier: spec.qualifier,
            InvocationType: 'RequestResponse',
            ...(payload === undefined ? {} : { Payload: new TextEncoder().encode(payload) }),
        }), (0,abort/* abortOptions */.D)(signals.length > 0 ? AbortSignal.any(signals) : undefined));
        const headers = {};
        if (response.ExecutedVersion)
            headers['x-amz-executed-version'] = response.ExecutedVersion;
        if (response.FunctionError)
            headers['x-amz-function-error'] = response.FunctionError;
        return {
            kind: 'invoke',
            status: response.StatusCode ?? 0,
            headers,
            body: response.Payload ? new TextDecoder().decode(response.Payload) : '',
            durationMs: performance.now() - started,
            executedVersion: response.ExecutedVersion,
            functionError: response.FunctionError,
            request,
        };
    }
    catch (error) {
        if (context.signal?.aborted)
            throw error;
        const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
        const message = error instanceof Error ? error.message : String(error);
        throw new TransportError(`${request} failed: ${name}${message}`);
    }
}

;// CONCATENATED MODULE: ./packages/checks/src/send.ts






/** Renders the check's request or invoke with the current variables and sends it once. */
async function sendOnce(check, vars, context) {
    const render = (text) => renderTemplate(text, vars, context.template);
    if (check.invoke) {
        if (!context.lambda)
            throw new Error('no Lambda client was given for invoke checks');
        return sendInvoke({
            function: render(check.invoke.function),
            qualifier: check.invoke.qualifier === undefined ? undefined : render(check.invoke.qualifier),
            payload: renderDeep(check.invoke.payload, vars, context.template),
        }, {
            lambda: context.lambda,
            signal: context.signal,
            redactor: context.redactor,
            timeoutMs: context.invokeTimeoutMs,
        });
    }
    const request = check.request;
    if (!request)
        throw new Error(`check ${check.name} has neither a request nor an invoke`);
    const answer = await sendHttp({
        method: render(request.method),
        url: resolveUrl(render(request.url), context.baseUrl === undefined ? undefined : render(context.baseUrl)),
        headers: mapValues(request.headers, render),
        query: mapValues(request.query, render),
        body: request.body === undefined ? undefined : render(request.body),
        json: request.json === undefined ? undefined : renderDeep(request.json, vars, context.template),
        timeoutMs: request.timeoutMs,
    }, { fetch: context.fetch, signal: context.signal, redactor: context.redactor });
    answer.executedVersion = reportedVersion(answer, check.expect.versionFrom);
    return answer;
}
function resolveUrl(url, baseUrl) {
    if (/^https?:\/\//i.test(url))
        return url;
    if (!baseUrl)
        throw new Error(`request url ${JSON.stringify(url)} is relative and no base-url is set`);
    return baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}
function reportedVersion(answer, source) {
    if (source && 'header' in source)
        return answer.headers[source.header];
    if (source) {
        const result = queryPath(answerJson(answer), source.json);
        return result.found && result.value !== null && result.value !== undefined
            ? String(result.value)
            : undefined;
    }
    const header = VERSION_HEADERS.find((name) => answer.headers[name] !== undefined);
    return header === undefined ? undefined : answer.headers[header];
}
/** The expectation with its templates filled; values that are whole expressions keep their type. */
function renderExpectation(expect, vars, options) {
    const render = (text) => renderTemplate(text, vars, options);
    const text = (assertion) => ({
        ...assertion,
        equals: assertion.equals === undefined ? undefined : render(assertion.equals),
        contains: assertion.contains?.map(render),
        notContains: assertion.notContains?.map(render),
        matches: assertion.matches === undefined ? undefined : render(assertion.matches),
    });
    const json = (assertion) => ({
        ...assertion,
        equals: renderDeep(assertion.equals, vars, options),
        notEquals: renderDeep(assertion.notEquals, vars, options),
        contains: renderDeep(assertion.contains, vars, options),
        oneOf: assertion.oneOf === undefined ? undefined : renderDeep(assertion.oneOf, vars, options),
        matches: assertion.matches === undefined ? undefined : render(assertion.matches),
    });
    return {
        ...expect,
        body: expect.body && text(expect.body),
        headers: expect.headers && mapValues(expect.headers, text),
        json: expect.json?.map(json),
        version: expect.version === undefined ? undefined : render(expect.version),
    };
}
function mapValues(record, map) {
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

;// CONCATENATED MODULE: ./packages/checks/src/stats.ts
/** Latency percentiles (nearest rank) over answered samples, and the error rate over all samples. */
function latencyStats(durationsMs, samples, errors) {
    const sorted = [...durationsMs].sort((a, b) => a - b);
    const rank = (percentile) => round(sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)] ?? 0);
    const total = sorted.reduce((sum, value) => sum + value, 0);
    return {
        samples,
        errors,
        errorRate: samples === 0 ? 0 : errors / samples,
        minMs: round(sorted[0] ?? 0),
        p50Ms: rank(50),
        p95Ms: rank(95),
        p99Ms: rank(99),
        maxMs: round(sorted.at(-1) ?? 0),
        meanMs: sorted.length === 0 ? 0 : round(total / sorted.length),
    };
}
function round(ms) {
    return Math.round(ms * 10) / 10;
}

// EXTERNAL MODULE: ./packages/core/src/arn.ts
var arn = __webpack_require__(8718);
;// CONCATENATED MODULE: ./packages/checks/src/validate.ts



/**
 * Checks, before anything is sent, that every variable a template uses will exist when the check runs: given
 * vars, captures of earlier steps of the same flow, and set environment variables; and that a check's `function:`
 * names one of the release's functions, when they are known.
 */
function validateSuite(suite, context) {
    const problems = [];
    const given = Object.keys(context.vars);
    const release = context.releaseFunctions?.map(arn/* bareFunctionName */.o);
    const checkOne = (check, known, flow) => {
        const at = (location) => `check "${check.name}"${location ? ` (${location})` : ''}`;
        const label = at(check.location);
        if (check.invoke && !context.hasLambda)
            problems.push(`${label}: invoke needs a Lambda client, and none was given`);
        if (check.function !== undefined && release && !release.includes((0,arn/* bareFunctionName */.o)(check.function))) {
            problems.push(`${label}: function "${check.function}" is not a function of the release — expected one of ${release.join(', ')}`);
        }
        if (check.request && !suite.baseUrl && /^\//.test(check.request.url)) {
            problems.push(`${label}: request.url "${check.request.url}" is a path, and no base-url is set`);
        }
        for (const { variable, field, location } of check.references) {
            const label = at(location ?? check.location);
            if (variable.startsWith('env.')) {
                const name = variable.slice(4);
                if (context.env[name] === undefined)
                    problems.push(`${label}: ${field} uses ${variable}, which is not set`);
                continue;
            }
            const root = variable.split('.')[0] ?? variable;
            if (known.has(root) || TEMPLATE_HELPERS.includes(root))
                continue;
            const where = flow
                ? ` nor captured by an earlier step of flow "${flow}"`
                : ' (captures are shared only between the steps of a flow)';
            const available = [...known].slice(0, 20);
            problems.push(`${label}: ${field} uses unknown variable "${variable}" — not given in vars${where}` +
                (available.length > 0 ? `; known: ${available.join(', ')}` : ''));
        }
    };
    for (const item of suite.items) {
        if ('check' in item) {
            checkOne(item.check, new Set(given));
            continue;
        }
        const known = new Set(given);
        for (const step of item.flow.steps) {
            checkOne(step, known, item.flow.name);
            for (const name of Object.keys(step.capture))
                known.add(name);
        }
    }
    if (problems.length > 0)
        throw new CheckDefinitionError(problems);
}

;// CONCATENATED MODULE: ./packages/checks/src/run.ts













const DEFAULT_CONCURRENCY = 10;
const silentLogger = { info: () => { }, warning: () => { }, debug: () => { } };
/** Why the suite stopped early; checks not finished by then are reported with it. */
class Stop {
    reason;
    /** Checks cut off by a timeout failed; cut off by fail-fast or cancellation they are skipped. */
    failsRunning = false;
}
/**
 * Runs a suite: standalone checks and flows run concurrently (at most `concurrency` at once), the steps of a
 * flow in order with shared captures. Every template is validated before the first request is sent.
 */
async function runChecks(suite, deps = {}) {
    const startedAt = (deps.now?.() ?? new Date()).toISOString();
    const started = performance.now();
    const env = deps.env ?? process.env;
    const vars = { ...suite.vars, ...deps.vars };
    validateSuite(suite, {
        vars,
        env,
        hasLambda: deps.lambda !== undefined,
        releaseFunctions: deps.releaseFunctions,
    });
    const stop = new Stop();
    const controller = new AbortController();
    const abort = (reason, failsRunning) => {
        if (stop.reason !== undefined)
            return;
        stop.reason = reason;
        stop.failsRunning = failsRunning;
        controller.abort(reason);
    };
    const onExternalAbort = () => abort(`cancelled: ${String(deps.signal?.reason ?? 'aborted')}`, false);
    if (deps.signal?.aborted)
        onExternalAbort();
    deps.signal?.addEventListener('abort', onExternalAbort, { once: true });
    const timeoutMs = deps.timeoutMs;
    const timer = timeoutMs === undefined
        ? undefined
        : setTimeout(() => abort(`the suite timed out after ${formatMs(timeoutMs)}`, true), timeoutMs);
    const redactor = deps.redactor ?? new redact/* Redactor */.pO();
    for (const secret of deps.secrets ?? [])
        redactor.add(secret);
    const context = {
        fetch: deps.fetch ?? fetch,
        lambda: deps.lambda,
        signal: controller.signal,
        redactor,
        baseUrl: suite.baseUrl,
        template: { env, now: deps.now },
        // Every line the engine logs may carry a server's answer.
        logger: redactingLines(deps.logger ?? silentLogger, redactor),
        expectVersion: deps.expectVersion,
        expectFunctionVersion: deps.expectFunctionVersion,
        stop,
        onFailure: (check) => {
            if (deps.failFast)
                abort(`fail-fast: stopped after check "${check.name}" failed`, false);
        },
    };
    const units = suite.items.map((item) => 'flow' in item
        ? () => runFlow(item.flow, vars, context)
        : async () => [(await runCheck(item.check, { ...vars }, context)).result]);
    let results;
    try {
        results = await pool(units, deps.concurrency ?? DEFAULT_CONCURRENCY);
    }
    finally {
        clearTimeout(timer);
        deps.signal?.removeEventListener('abort', onExternalAbort);
    }
    const checks = context.redactor.deep(results.flat());
    const failedCount = checks.filter((check) => !check.passed && !check.skipped).length;
    const skippedCount = checks.filter((check) => check.skipped).length;
    return {
        passed: failedCount === 0 && skippedCount === 0,
        total: checks.length,
        passedCount: checks.length - failedCount - skippedCount,
        failedCount,
        skippedCount,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        checks,
    };
}
/** Runs tasks with at most `limit` in flight, keeping results in task order. */
async function pool(tasks, limit) {
    const results = new Array(tasks.length);
    let next = 0;
    const worker = async () => {
        for (let task = tasks[next]; task; task = tasks[next]) {
            const index = next++;
            results[index] = await task();
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
    return results;
}
async function runFlow(flow, initialVars, context) {
    const vars = { ...initialVars };
    const results = [];
    let failedStep;
    for (const step of flow.steps) {
        if (failedStep !== undefined) {
            results.push(skipped(step, `skipped: step "${failedStep}" of flow "${flow.name}" failed`));
            continue;
        }
        const { result, captured } = await runCheck(step, vars, context);
        Object.assign(vars, captured);
        results.push(result);
        if (!result.passed)
            failedStep = step.name;
    }
    return results;
}
function skipped(check, reason) {
    return {
        name: check.name,
        flow: check.flow,
        kind: check.invoke ? 'invoke' : 'http',
        passed: false,
        skipped: true,
        attempts: 0,
        durationMs: 0,
        failure: { reason },
        captured: [],
    };
}
async function runCheck(check, vars, context) {
    if (context.stop.reason !== undefined)
        return { result: skipped(check, context.stop.reason), captured: {} };
    const started = performance.now();
    let attempts = 0;
    let outcome = { sent: 0 };
    let captured = {};
    let latency;
    const tries = check.retry?.attempts ?? 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
        if (check.samples) {
            const sampled = await runSamples(check, check.samples, vars, context);
            outcome = sampled.outcome;
            latency = sampled.latency;
        }
        else {
            outcome = await attemptOnce(check, vars, context);
        }
        attempts += outcome.sent;
        if (!outcome.failure && outcome.answer) {
            const capture = captureValues(check.capture, outcome.answer);
            if ('values' in capture) {
                captured = capture.values;
                for (const [name, spec] of Object.entries(check.capture)) {
                    if (spec.secret)
                        context.redactor.add(stringValue(captured[name]));
                }
                break;
            }
            outcome.failure = withSnippets({ ...capture.failure, actual: 'nothing' }, outcome.answer, context);
        }
        const retry = check.retry;
        if (context.stop.reason !== undefined || attempt === tries || !retry)
            break;
        const delayMs = (0,wait/* backoffDelay */.EY)(attempt - 1, {
            initialDelayMs: retry.delayMs,
            maxDelayMs: retry.maxDelayMs,
            factor: retry.backoff,
            jitter: 0,
        });
        context.logger.debug(`${check.name}: attempt ${attempt} failed (${outcome.failure?.reason}); retrying in ${formatMs(delayMs)}`);
        if (!(await run_wait(delayMs, context.signal)))
            break;
    }
    const durationMs = Math.round(performance.now() - started);
    let failure = outcome.failure;
    let skip = false;
    if (context.stop.reason !== undefined && failure?.reason.startsWith('cancelled')) {
        failure = { ...failure, reason: context.stop.reason };
        skip = !context.stop.failsRunning;
    }
    const result = {
        name: check.name,
        flow: check.flow,
        kind: check.invoke ? 'invoke' : 'http',
        passed: failure === undefined,
        skipped: skip,
        attempts,
        durationMs,
        status: outcome.answer?.status,
        executedVersion: outcome.answer?.executedVersion,
        version: proofOf(check, vars, context, outcome.answer),
        responseMs: outcome.answer === undefined ? undefined : Math.round(outcome.answer.durationMs),
        latency,
        failure: failure && context.redactor.deep(failure),
        captured: Object.keys(captured),
    };
    report(result, context);
    if (!result.passed && !result.skipped)
        context.onFailure(check);
    return { result, captured };
}
function report(result, context) {
    const label = result.flow ? `${result.flow} › ${result.name}` : result.name;
    if (result.passed) {
        const facts = [
            result.status === undefined ? undefined : String(result.status),
            result.latency ? `p95 ${formatMs(result.latency.p95Ms)} over ${result.latency.samples}` : undefined,
            result.responseMs === undefined || result.latency ? undefined : formatMs(result.responseMs),
            versionFact(result),
            result.attempts > 1 ? `${result.attempts} attempts` : undefined,
        ].filter((fact) => fact !== undefined);
        context.logger.info(`✓ ${label} (${facts.join(', ')})`);
    }
    else if (result.skipped) {
        context.logger.info(`- ${label}: ${result.failure?.reason}`);
    }
    else {
        context.logger.warning(`✗ ${label}: ${result.failure ? describeFailure(result.failure) : 'failed'}`);
    }
}
function versionFact(result) {
    const proof = result.version;
    if (proof === undefined || proof.outcome === 'proven' || proof.outcome === 'other version') {
        return result.executedVersion === undefined ? undefined : `version ${result.executedVersion}`;
    }
    return `version ${proof.outcome}: ${proof.detail}`;
}
/** A multi-line failure text: the reason, then the request, expected, actual and response. */
function describeFailure(failure) {
    const lines = [failure.reason];
    if (failure.request)
        lines.push(`  request:  ${failure.request}`);
    if (failure.assertion)
        lines.push(`  assertion: ${failure.assertion}`);
    if (failure.expected)
        lines.push(`  expected: ${failure.expected}`);
    if (failure.actual)
        lines.push(`  actual:   ${failure.actual}`);
    if (failure.response)
        lines.push(`  response: ${failure.response}`);
    return lines.join('\n');
}
/** Sends the check once, or polls it while `until` does not hold, then judges the final answer. */
async function attemptOnce(check, vars, context) {
    let expect;
    try {
        expect = renderExpectation(withVersion(check, vars, context), vars, context.template);
    }
    catch (error) {
        return { sent: 0, failure: { reason: error.message } };
    }
    if (!check.until)
        return sendAndJudge(check, vars, expect, context);
    const until = check.until;
    const untilExpect = renderExpectation(until.expect, vars, context.template);
    const failIf = until.failIf && {
        shown: until.failIf.shown,
        expect: renderExpectation(until.failIf.expect, vars, context.template),
    };
    const deadline = performance.now() + until.timeoutMs;
    let sent = 0;
    let last;
    for (let poll = 0;; poll++) {
        const outcome = await sendAndJudge(check, vars, untilExpect, context);
        sent += outcome.sent;
        if (outcome.answer && failIf && !judge(failIf.expect, outcome.answer)) {
            const held = `fail-if held: ${failIf.shown}`;
            const failure = {
                reason: `stopped polling: ${held}`,
                assertion: 'until.fail-if',
                expected: 'fail-if not to hold',
                actual: held,
            };
            return { answer: outcome.answer, sent, failure: withSnippets(failure, outcome.answer, context) };
        }
        if (outcome.answer && !outcome.failure) {
            const final = outcome.answer;
            const failure = judge(expect, final);
            return { answer: final, sent, failure: failure && withSnippets(failure, final, context) };
        }
        // sendAndJudge gives a failure whenever it has no answer, so this one did not pass.
        if (!outcome.failure)
            throw new Error(`${check.name}: a poll ended with neither a passing answer nor a failure`);
        last = { answer: outcome.answer, failure: outcome.failure };
        if (context.stop.reason !== undefined)
            return { answer: last.answer, sent, failure: last.failure };
        const remaining = deadline - performance.now();
        if (remaining <= 0)
            break;
        const interval = (0,wait/* backoffDelay */.EY)(poll, {
            initialDelayMs: until.intervalMs,
            maxDelayMs: until.maxIntervalMs,
            factor: until.backoff,
            jitter: 0,
        });
        context.logger.debug(`${check.name}: waiting (${last.failure.reason}); next poll in ${formatMs(interval)}`);
        if (!(await run_wait(Math.min(remaining, interval), context.signal)))
            break;
    }
    return {
        answer: last.answer,
        sent,
        failure: {
            ...last.failure,
            reason: `still not true after ${formatMs(until.timeoutMs)} (${sent} polls): ${last.failure.reason}`,
        },
    };
}
function withVersion(check, vars, context) {
    const expected = expectedOf(check, vars, context);
    if (expected === undefined || 'notChecked' in expected)
        return check.expect;
    return { ...check.expect, version: expected.version, versionOptional: expected.optional };
}
function expectedOf(check, vars, context) {
    const invoked = check.invoke && renderTemplate(check.invoke.function, vars, context.template);
    return expectedVersion(check, invoked, context);
}
/** What the final answer proved about its version (the expected version rendered as the judge saw it). */
function proofOf(check, vars, context, answer) {
    try {
        const expected = expectedOf(check, vars, context);
        const version = expected && 'version' in expected
            ? renderTemplate(expected.version, vars, context.template)
            : undefined;
        return versionProof(expected, version, answer);
    }
    catch {
        // A template that cannot be rendered already failed the check with its own reason.
        return undefined;
    }
}
async function sendAndJudge(check, vars, expect, context) {
    let answer;
    try {
        answer = await sendOnce(check, vars, context);
    }
    catch (error) {
        const message = error.message;
        if (context.signal.aborted)
            return { sent: 1, failure: { reason: `cancelled: ${message}` } };
        return { sent: 1, failure: { reason: context.redactor.redact(message) } };
    }
    const failure = judge(expect, answer);
    return { answer, sent: 1, failure: failure && withSnippets(failure, answer, context) };
}
function withSnippets(failure, answer, context) {
    const headers = Object.entries(answer.headers)
        .filter(([name]) => name === 'content-type' || name === 'location' || name.startsWith('x-'))
        .map(([name, value]) => `${name}: ${context.redactor.header(name, value)}`);
    const response = [
        `${answer.kind === 'invoke' ? 'StatusCode' : 'status'} ${answer.status}`,
        headers.length > 0 ? `{${headers.join(', ')}}` : undefined,
        answer.body ? (0,redact/* snippet */.UA)(answer.body) : undefined,
    ].filter((part) => part !== undefined);
    return { ...failure, request: answer.request, response: context.redactor.redact(response.join(' ')) };
}
async function runSamples(check, sampling, vars, context) {
    let expect;
    try {
        expect = renderExpectation(withVersion(check, vars, context), vars, context.template);
    }
    catch (error) {
        return { outcome: { sent: 0, failure: { reason: error.message } }, latency: undefined };
    }
    const outcomes = await pool(Array.from({ length: sampling.count }, () => () => context.stop.reason === undefined
        ? sendAndJudge(check, vars, expect, context)
        : Promise.resolve({ sent: 0 })), sampling.concurrency);
    const sent = outcomes.reduce((sum, outcome) => sum + outcome.sent, 0);
    const errors = outcomes.filter((outcome) => outcome.sent > 0 && outcome.failure);
    const latency = latencyStats(outcomes.flatMap((outcome) => (outcome.answer ? [outcome.answer.durationMs] : [])), sent, errors.length);
    const good = outcomes.find((outcome) => outcome.answer && !outcome.failure);
    const firstError = errors[0]?.failure;
    const cancelled = outcomes.find((outcome) => outcome.failure?.reason.startsWith('cancelled'));
    if (cancelled)
        return { outcome: cancelled, latency };
    const breaches = [];
    if (latency.errorRate > sampling.maxErrorRate) {
        breaches.push(`error rate ${(0,percent/* formatPercent */.l)(latency.errorRate, { decimals: 1 })} (${errors.length} of ${sent}) is over max-error-rate ${(0,percent/* formatPercent */.l)(sampling.maxErrorRate, { decimals: 1 })}`);
    }
    const limits = [
        ['p50', sampling.maxP50Ms, latency.p50Ms],
        ['p95', sampling.maxP95Ms, latency.p95Ms],
        ['p99', sampling.maxP99Ms, latency.p99Ms],
    ];
    for (const [name, limit, actual] of limits) {
        if (limit !== undefined && actual > limit) {
            breaches.push(`${name} latency ${formatMs(actual)} is over max-${name}-latency ${formatMs(limit)}`);
        }
    }
    const answer = good?.answer ?? errors[0]?.answer;
    if (breaches.length === 0)
        return { outcome: { answer, sent }, latency };
    return {
        latency,
        outcome: {
            answer,
            sent,
            failure: {
                ...firstError,
                reason: `${breaches.join('; ')}${firstError ? `; first error: ${firstError.reason}` : ''}`,
                assertion: breaches.length === 1 && !breaches[0]?.startsWith('error')
                    ? 'latency'
                    : (firstError?.assertion ?? 'latency'),
            },
        },
    };
}
function stringValue(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
}
/** Sleeps unless the suite stops first; false when it stopped. */
async function run_wait(ms, signal) {
    try {
        await (0,external_node_timers_promises_.setTimeout)(ms, undefined, { signal });
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./packages/checks/src/index.ts










/***/ })

};
