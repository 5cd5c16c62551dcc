/** `T` with every property that may be undefined made optional instead (what exactOptionalPropertyTypes expects). */
export type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * A copy of `value` without its undefined properties: `{ a: 1, b: undefined }` becomes `{ a: 1 }`, so values read
 * from AWS or from optional inputs can be passed on to optional properties as they are.
 */
export function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Compact<T>;
}
