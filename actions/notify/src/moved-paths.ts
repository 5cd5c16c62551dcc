/**
 * Where the fields a v1 record kept at its top live in schema v2 (lambda-release-record/v2, suite 2.0.0), as
 * template paths: a title or message written for 1.x fails naming the path to write instead.
 */
const MOVED_IN_V2: Record<string, string> = {
  'record.function': 'record.functions.0.function',
  'record.alias': 'record.functions.0.alias',
  'record.previous': 'record.functions.0.previous',
  'record.target': 'record.functions.0.target',
  'record.codedeploy': 'record.functions.0.codedeploy',
};

/** What to write instead of a template path that moved in schema v2, or undefined when it did not move. */
export function movedPathHint(path: string | undefined): string | undefined {
  const moved = Object.entries(MOVED_IN_V2).find(([old]) => path === old || path?.startsWith(`${old}.`));
  if (!moved || !path) return undefined;
  const [old, now] = moved;
  return `since schema v2 (2.0.0) a record keeps each function's fields in "record.functions": write "${now}${path.slice(old.length)}" for the first function, or {{ function }} and {{ alias }}, which name every function of the release`;
}
