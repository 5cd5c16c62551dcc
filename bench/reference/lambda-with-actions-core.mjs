// Start-up reference: the Lambda client plus @actions/core for inputs, as every action's main.ts uses it.
import * as core from '@actions/core';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';

const lambda = new LambdaClient({});
await lambda.send(
  new GetAliasCommand({ FunctionName: core.getInput('function-name'), Name: core.getInput('alias') }),
);
