import { describe, expect, it } from '@jest/globals';
import {
  renderDeep,
  renderTemplate,
  renderTemplateValue,
  TemplateError,
  templateVariables,
} from '@lambda-release-kit/core';

const fixedNow = () => new Date('2026-11-05T22:07:09.045Z');

describe('renderTemplate', () => {
  it('fills variables, dotted paths and array indexes', () => {
    const vars = { user: { id: 42, name: 'Ada' }, items: [{ sku: 'a-1' }], ok: true };
    expect(
      renderTemplate('id={{ user.id }} name={{user.name}} first={{ items.0.sku }} ok={{ok}}', vars),
    ).toBe('id=42 name=Ada first=a-1 ok=true');
    expect(renderTemplate('{{ user }}', vars)).toBe('{"id":42,"name":"Ada"}');
  });

  it('reads environment variables from the given env', () => {
    expect(renderTemplate('Bearer {{ env.TOKEN }}', {}, { env: { TOKEN: 't0k' } })).toBe('Bearer t0k');
    expect(() => renderTemplate('{{ env.MISSING }}', {}, { env: {} })).toThrow(
      'environment variable MISSING is not set',
    );
  });

  it('names an unknown variable, and the missing part of a path', () => {
    expect(() => renderTemplate('{{ token }}', { user: 1 })).toThrow(TemplateError);
    expect(() => renderTemplate('{{ token }}', { user: 1 })).toThrow(
      'unknown variable "token" (known: user)',
    );
    expect(() => renderTemplate('{{ user.email }}', { user: { id: 1 } })).toThrow(
      'unknown variable "user.email": "user" has no "email"',
    );
  });

  it('formats now with offsets and formats, in UTC', () => {
    const options = { now: fixedNow };
    expect(renderTemplate('{{ now }}', {}, options)).toBe('2026-11-05T22:07:09.045Z');
    expect(renderTemplate('{{ now "+1d" "YYYY-MM-DD" }}', {}, options)).toBe('2026-11-06');
    expect(renderTemplate("{{ now '-2h' '+30m' 'YYYY/MM/DD HH:mm:ss.SSS' }}", {}, options)).toBe(
      '2026/11/05 20:37:09.045',
    );
    expect(renderTemplate('{{ now +1w date }}', {}, options)).toBe('2026-11-12');
    expect(renderTemplate('{{ now unix }}', {}, options)).toBe(
      String(Date.UTC(2026, 10, 5, 22, 7, 9) / 1000),
    );
    expect(renderTemplate('{{ now -10s unix-ms }}', {}, options)).toBe(
      String(Date.UTC(2026, 10, 5, 22, 6, 59, 45)),
    );
    expect(renderTemplate('{{ timestamp }}', {}, options)).toBe(String(Date.UTC(2026, 10, 5, 22, 7, 9, 45)));
  });

  it('makes uuids and random strings of the asked length and charset', () => {
    const first = renderTemplate('{{ uuid }}', {});
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(renderTemplate('{{ uuid }}', {})).not.toBe(first);
    expect(renderTemplate('{{ random 8 }}', {})).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(renderTemplate('{{ random }}', {})).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(renderTemplate('{{ random 12 hex }}', {})).toMatch(/^[0-9a-f]{12}$/);
    expect(renderTemplate('{{ random 5 digits }}', {})).toMatch(/^\d{5}$/);
  });

  it('rejects malformed expressions with a message that says what is wrong', () => {
    expect(() => renderTemplate('{{ }}', {})).toThrow('empty expression');
    expect(() => renderTemplate('a {{ b', { b: 1 })).toThrow('unclosed "{{"');
    expect(() => renderTemplate('{{ random zero }}', {})).toThrow('helper "random" has length "zero"');
    expect(() => renderTemplate('{{ random 4 emoji }}', {})).toThrow('charset "emoji"');
    expect(() => renderTemplate('{{ now "+1d" "iso" "x" }}', {})).toThrow('after the format');
    expect(() => renderTemplate('{{ now "tomorrow" }}', {})).toThrow('format "tomorrow"');
    expect(() => renderTemplate('{{ upper name }}', { name: 'a' })).toThrow('unknown helper "upper"');
    expect(() => renderTemplate('{{ uuid 4 }}', {})).toThrow('takes no arguments');
    expect(() => renderTemplate('{{ "x }}', {})).toThrow('unbalanced quotes');
  });

  it('keeps text without templates, and renders an escaped \\{{ literally', () => {
    expect(renderTemplate('plain {text}', {})).toBe('plain {text}');
    expect(renderTemplate('\\{{ not }} {{ a }}', { a: 1 })).toBe('{{ not }} 1');
  });
});

describe('renderTemplateValue and renderDeep', () => {
  it('keeps the type of a value when the whole string is one expression', () => {
    const vars = { id: 42, tags: ['x'], name: 'n' };
    expect(renderTemplateValue('{{ id }}', vars)).toBe(42);
    expect(renderTemplateValue('id-{{ id }}', vars)).toBe('id-42');
    expect(
      renderDeep({ id: '{{ id }}', list: ['{{ tags }}', '{{ name }}'], n: 3, 'key-{{ name }}': null }, vars),
    ).toEqual({
      id: 42,
      list: [['x'], 'n'],
      n: 3,
      'key-n': null,
    });
  });
});

describe('templateVariables', () => {
  it('lists referenced variables once, in order, without helpers', () => {
    expect(
      templateVariables(
        '{{ user.id }} {{ now "+1d" }} {{ env.TOKEN }} {{ uuid }} {{ user.id }} {{ report_id }}',
      ),
    ).toEqual(['user.id', 'env.TOKEN', 'report_id']);
    expect(templateVariables('no templates')).toEqual([]);
  });

  it('throws on malformed expressions without needing values', () => {
    expect(() => templateVariables('{{ random -1 }}')).toThrow(TemplateError);
  });
});
