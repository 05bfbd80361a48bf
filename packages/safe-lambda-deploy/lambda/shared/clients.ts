import { Tracer } from '@aws-lambda-powertools/tracer';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';

/** One tracer per container; its service name comes from POWERTOOLS_SERVICE_NAME. */
export const tracer = new Tracer();

/**
 * The SDK's own retries are off: the report retries itself with backoff inside the hook's
 * time budget, and must know about every attempt.
 */
export const codeDeploy = tracer.captureAWSv3Client(new CodeDeployClient({ maxAttempts: 1 }));

export const lambda = tracer.captureAWSv3Client(new LambdaClient({}));
