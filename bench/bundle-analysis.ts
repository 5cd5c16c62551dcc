/**
 * Where a bundle's bytes and start-up time come from, by source package: a V8 .cpuprofile (node --cpu-prof)
 * whose sampled frames inside the bundle are mapped back through the bundle's source map, and the bundle's own
 * bytes attributed the same way. The committed bundles carry no source map: build with
 * `node .ci/build.mjs --source-map` before `npm run bench -- startup` to attribute by package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface SourceMap {
  sources: string[];
  mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Per generated line: [generatedColumn, sourceIndex] pairs in column order (source map v3 VLQ). */
function decodeMappings(mappings: string): [number, number][][] {
  const lines: [number, number][][] = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
          continue;
        }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      const [columnDelta = 0, sourceDelta] = fields;
      column += columnDelta;
      if (sourceDelta !== undefined) {
        source += sourceDelta;
        segments.push([column, source]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** `node_modules/@aws-sdk/client-codedeploy/...` -> `@aws-sdk/client-codedeploy`; our files by package/action. */
export function packageOf(source: string): string {
  const modules = source.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope = '', name] = source.slice(modules + 'node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const ours = /(packages|actions)\/([^/]+)\//.exec(source);
  if (ours) return `${ours[1]}/${ours[2]} (ours)`;
  if (source.includes('external node')) return 'Node built-in modules';
  return 'bundle runtime';
}

interface DecodedMap {
  lines: [number, number][][];
  sources: string[];
}

function readMap(file: string): DecodedMap | undefined {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return undefined;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMap;
  return { lines: decodeMappings(map.mappings), sources: map.sources };
}

/** Bytes of a bundle file by source package, largest first. */
export function bundleComposition(file: string): { group: string; kb: number }[] {
  const map = readMap(file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const totals = new Map<string, number>();
  const add = (group: string, bytes: number) => totals.set(group, (totals.get(group) ?? 0) + bytes);
  lines.forEach((text, i) => {
    const segments = map?.lines[i] ?? [];
    if (segments.length === 0 || !map) return add('bundle runtime', text.length + 1);
    segments.forEach(([column, source], k) => {
      const end = segments[k + 1]?.[0] ?? text.length + 1;
      add(packageOf(map.sources[source] ?? ''), end - column);
    });
  });
  return [...totals.entries()]
    .map(([group, bytes]) => ({ group, kb: bytes / 1024 }))
    .sort((a, b) => b.kb - a.kb);
}

class BundleMaps {
  private maps = new Map<string, DecodedMap | null>();

  packageAt(url: string, line: number, column: number): string | undefined {
    if (!this.maps.has(url)) this.maps.set(url, readMap(fileURLToPath(url)) ?? null);
    const map = this.maps.get(url);
    if (!map) return undefined;
    const segments = map.lines[line] ?? [];
    let found: number | undefined;
    for (const [col, source] of segments) {
      if (col > column) break;
      found = source;
    }
    if (found === undefined) found = segments[0]?.[1];
    return found === undefined ? undefined : packageOf(map.sources[found] ?? '');
  }
}

function groupOf(frame: CallFrame, maps: BundleMaps, bundleDir: string): string {
  if (!frame.url) {
    if (frame.functionName === '(program)')
      return '(program): V8 parsing and compiling, outside any JS function';
    if (frame.functionName === '(garbage collector)') return '(garbage collector)';
    if (frame.functionName === '(idle)') return '(idle): waiting for I/O';
    return `(native) ${frame.functionName}`;
  }
  if (frame.url.startsWith('node:'))
    return `Node ${frame.url.replace(/^node:(internal\/)?/, '')} ${frame.functionName || '(anonymous)'}`;
  if (frame.url.startsWith(`file://${bundleDir}`))
    return maps.packageAt(frame.url, frame.lineNumber, frame.columnNumber) ?? 'bundle (unmapped)';
  return frame.url;
}

export interface ProfileShare {
  group: string;
  ms: number;
}

/** Self time by group (package, V8 phase or Node internals), largest first, over the whole profile. */
export function summarizeProfile(
  profileFile: string,
  bundleDir: string,
): { totalMs: number; shares: ProfileShare[] } {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const maps = new BundleMaps();
  const groupById = new Map(profile.nodes.map((n) => [n.id, groupOf(n.callFrame, maps, bundleDir)]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample: charge it to the frame sampled now.
    const group = groupById.get(id) ?? 'unknown';
    totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const shares = [...totals.entries()].map(([group, ms]) => ({ group, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs: (profile.endTime - profile.startTime) / 1000, shares };
}
