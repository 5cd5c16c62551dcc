/** An action output's value: numbers and booleans are written as text, undefined outputs are not set. */
export type OutputValue = string | number | boolean | undefined;
