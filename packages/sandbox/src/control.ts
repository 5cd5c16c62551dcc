import type { FaultRule, SandboxRequest, SandboxResponse } from './contracts.js';
import type { FaultSet } from './faults.js';
import type { RequestLog } from './request-log.js';

export const CONTROL_PREFIX = '/_sandbox/';

const json = (status: number, body: unknown): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body, null, 2),
});

export interface ControlParts {
  faults: FaultSet;
  log: RequestLog;
  /** The inspection document for GET /_sandbox/state. */
  state: () => unknown;
  /** The zip of a function's code by CodeSha256 (GetFunction's Code.Location points here). */
  code: (codeSha256: string) => Uint8Array | undefined;
}

/**
 * Inspection and control over HTTP, for tools outside the test process:
 * GET state, GET requests, POST reset-log, GET/POST/DELETE faults, GET code/<sha>.
 */
export function createControl(
  parts: ControlParts,
): (req: SandboxRequest) => Promise<SandboxResponse | undefined> {
  return async (req) => {
    if (!req.path.startsWith(CONTROL_PREFIX)) return undefined;
    const route = `${req.method} ${req.path.slice(CONTROL_PREFIX.length)}`;
    if (route === 'GET state') return json(200, parts.state());
    if (route === 'GET requests') return json(200, parts.log.all());
    if (route === 'POST reset-log') {
      parts.log.clear();
      return { status: 204 };
    }
    if (route === 'GET faults') return json(200, parts.faults.list());
    if (route === 'DELETE faults') {
      parts.faults.clear();
      return { status: 204 };
    }
    if (route === 'POST faults') {
      try {
        const parsed: unknown = JSON.parse(req.body.toString('utf8'));
        const rules = (Array.isArray(parsed) ? parsed : [parsed]) as FaultRule[];
        rules.forEach((r) => parts.faults.add(r));
        return json(200, parts.faults.list());
      } catch (e) {
        return json(400, { message: `bad fault rule: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    if (req.method === 'GET' && req.path.startsWith(`${CONTROL_PREFIX}code/`)) {
      const zip = parts.code(decodeURIComponent(req.path.slice(`${CONTROL_PREFIX}code/`.length)));
      return zip
        ? { status: 200, headers: { 'content-type': 'application/zip' }, body: Buffer.from(zip) }
        : json(404, { message: 'no such code' });
    }
    return json(404, { message: `unknown control endpoint ${req.method} ${req.path}` });
  };
}
