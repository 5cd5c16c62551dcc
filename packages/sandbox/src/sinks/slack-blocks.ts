/**
 * Slack's documented Block Kit limits, checked so that a message the real Slack would refuse with
 * `invalid_blocks` is refused here too (a sink that accepts anything would hide oversized messages).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  messageText: 40000,
} as const;

type Json = Record<string, unknown>;

function textOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as Json).text === 'string'
    ? ((value as Json).text as string)
    : undefined;
}

function checkLength(problems: string[], where: string, text: string | undefined, max: number): void {
  if (text !== undefined && text.length > max) {
    problems.push(`${where} must be less than ${max + 1} characters [json-pointer:${where}]`);
  }
}

/** The problems Slack would report for these blocks (empty when they are valid). */
export function blockProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const problems: string[] = [];
  if (blocks.length > SLACK_LIMITS.blocks) {
    problems.push(`no more than ${SLACK_LIMITS.blocks} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((block: unknown, index) => {
    const at = `/blocks/${index}`;
    if (typeof block !== 'object' || block === null) {
      problems.push(`must be an object [json-pointer:${at}]`);
      return;
    }
    const b = block as Json;
    switch (b.type) {
      case 'header':
        checkLength(problems, `${at}/text`, textOf(b.text), SLACK_LIMITS.headerText);
        break;
      case 'section': {
        checkLength(problems, `${at}/text`, textOf(b.text), SLACK_LIMITS.sectionText);
        const fields = Array.isArray(b.fields) ? b.fields : [];
        if (fields.length > SLACK_LIMITS.fields) {
          problems.push(`no more than ${SLACK_LIMITS.fields} items allowed [json-pointer:${at}/fields]`);
        }
        fields.forEach((field: unknown, i) =>
          checkLength(problems, `${at}/fields/${i}`, textOf(field), SLACK_LIMITS.fieldText),
        );
        if (b.text === undefined && fields.length === 0) {
          problems.push(`must provide text or fields [json-pointer:${at}]`);
        }
        break;
      }
      case 'context': {
        const elements = Array.isArray(b.elements) ? b.elements : [];
        if (elements.length > SLACK_LIMITS.contextElements) {
          problems.push(
            `no more than ${SLACK_LIMITS.contextElements} items allowed [json-pointer:${at}/elements]`,
          );
        }
        break;
      }
      case 'actions': {
        const elements = Array.isArray(b.elements) ? b.elements : [];
        if (elements.length > SLACK_LIMITS.actionElements) {
          problems.push(
            `no more than ${SLACK_LIMITS.actionElements} items allowed [json-pointer:${at}/elements]`,
          );
        }
        elements.forEach((element: unknown, i) => {
          const e = (element ?? {}) as Json;
          checkLength(problems, `${at}/elements/${i}/text`, textOf(e.text), SLACK_LIMITS.buttonText);
          if (typeof e.url === 'string') {
            checkLength(problems, `${at}/elements/${i}/url`, e.url, SLACK_LIMITS.buttonUrl);
          }
        });
        break;
      }
      case 'divider':
      case 'image':
      case 'rich_text':
      case 'table':
        break;
      default:
        problems.push(`unsupported type ${JSON.stringify(b.type)} [json-pointer:${at}/type]`);
    }
  });
  return problems;
}
