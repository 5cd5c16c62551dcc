// Start-up reference: the least a rollback needs, the SDK's Lambda client sending one GetAlias.
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';

const lambda = new LambdaClient({});
await lambda.send(
  new GetAliasCommand({ FunctionName: process.env['INPUT_FUNCTION-NAME'], Name: process.env.INPUT_ALIAS }),
);
