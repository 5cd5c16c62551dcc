/** The bare function name of a name ("orders-api"), a partial ARN or an ARN, with or without a qualifier. */
export function bareFunctionName(nameOrArn: string): string {
  const afterPrefix = nameOrArn.split(':function:').pop() ?? nameOrArn;
  return afterPrefix.split(':')[0] ?? afterPrefix;
}
