import type { AliasRouting, InvokeOutcome, LambdaBackend } from '../contracts.js';
import type { FunctionStore } from './functions.js';
import type { Invoker } from './invoker.js';
import type { AliasState } from './model.js';

/** The view of Lambda that CodeDeploy and CloudWatch get (contracts.ts LambdaBackend). */
export function createLambdaBackend(store: FunctionStore, invoker: Invoker): LambdaBackend {
  const routing = (functionName: string, a: AliasState): AliasRouting => ({
    functionName,
    alias: a.name,
    aliasArn: store.functionArn(functionName, a.name),
    functionVersion: a.functionVersion,
    additionalVersionWeights: { ...a.additionalVersionWeights },
    revisionId: a.revisionId,
  });
  return {
    accountId: store.accountId,
    region: store.region,
    getAlias(functionName, alias) {
      const a = store.find(functionName)?.aliases.get(alias);
      return a ? routing(functionName, a) : undefined;
    },
    setAliasRouting(functionName, alias, functionVersion, weights) {
      return routing(functionName, store.setAliasRouting(functionName, alias, functionVersion, weights));
    },
    hasVersion(functionName, version) {
      return store.find(functionName)?.versions.has(version) ?? false;
    },
    async invoke(functionName, qualifier, payload): Promise<InvokeOutcome> {
      const event = payload === '' ? null : JSON.parse(payload);
      const inv = await invoker.invoke(functionName, qualifier, event);
      return {
        executedVersion: inv.executedVersion,
        payload: inv.payload,
        functionError: inv.ok ? undefined : 'Unhandled',
        durationMs: inv.durationMs,
      };
    },
    invocations: (functionName) => invoker.invocations(functionName),
  };
}
