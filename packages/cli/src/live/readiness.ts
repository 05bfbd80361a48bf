/**
 * The readiness checks of a first pipeline run: the connection is AVAILABLE, every email
 * subscription the template declares is confirmed, the artifact bucket and key are in place,
 * and every code asset of the service's stacks is in the bucket. Each answers "ready" only on a
 * positive reading; an error, a missing value or an unexpected state is a finding.
 */
import { GetConnectionCommand } from '@aws-sdk/client-codestar-connections';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { HeadBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, Subscription } from '@aws-sdk/client-sns';
import { allPages } from '../cloudformation';
import { planAssetUploads } from '../publish/plan';
import { errorText } from '../text';
import { AccountClients } from './aws';
import { LiveFindings } from './findings';
import { World } from './world';

/** Physical ids of the build account's deployed resources, by logical id (of the pipeline stack). */
export type PhysicalIds = ReadonlyMap<string, string>;

/**
 * The connection's status must be AVAILABLE: a connection is created PENDING until a person
 * completes the handshake with the provider in the console, and a pipeline cannot use it until
 * then (https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-update.html,
 * https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_Connection.html).
 */
export async function checkConnection(world: World, build: AccountClients, ids: PhysicalIds, out: LiveFindings): Promise<void> {
  if (world.connection === undefined) {
    out.passed('connection: the pipeline has no connection source (nothing to activate)');
    return;
  }
  const arn = 'literal' in world.connection ? world.connection.literal : 'resource' in world.connection ? ids.get(world.connection.resource) : undefined;
  if (arn === undefined) {
    out.finding('connection', 'the pipeline\'s source connection', 'its ARN could not be found (the pipeline stack is not deployed, or the template names it in a form the doctor does not read)',
      'deploy the pipeline stack first (first-deployment checklist, step 4), then run the doctor again');
    return;
  }
  try {
    const { Connection } = await build.connections.send(new GetConnectionCommand({ ConnectionArn: arn }));
    const status = Connection?.ConnectionStatus;
    if (status === 'AVAILABLE') out.passed(`connection ${arn}: AVAILABLE`);
    else out.finding('connection', arn, `its status is ${status ?? '(none)'}, not AVAILABLE: the pipeline's Source action fails until it is`,
      'complete the handshake in the console (Developer Tools → Settings → Connections → Update pending connection), then run the doctor again');
  } catch (err) {
    out.finding('connection', arn, `its status could not be read: ${errorText(err)}`, 'check the connection in the console, and that your build-account credentials may call codestar-connections:GetConnection on it');
  }
}

/**
 * Every subscription the template declares must be there and confirmed. SNS lists an email
 * subscription that nobody confirmed with the SubscriptionArn "PendingConfirmation", and sends
 * it nothing (https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html,
 * https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html): only an ARN counts as confirmed.
 */
export async function checkSubscriptions(world: World, build: AccountClients, ids: PhysicalIds, out: LiveFindings): Promise<void> {
  if (world.subscriptions.length === 0) {
    out.finding('notifications', world.pipelineStack.stack.stackName, 'the pipeline stack declares no subscription: a failure email would reach no one',
      'give the pipeline at least one notification email (config: notifications.emails)');
    return;
  }
  for (const topicId of [...new Set(world.subscriptions.map((s) => s.topicLogicalId))]) {
    const topicArn = ids.get(topicId);
    if (topicArn === undefined) {
      out.finding('notifications', topicId, 'the topic is not deployed', 'deploy the pipeline stack, then run the doctor again');
      continue;
    }
    let listed: Subscription[];
    try {
      listed = await listSubscriptions(build, topicArn);
    } catch (err) {
      out.finding('notifications', topicArn, `its subscriptions could not be read: ${errorText(err)}`, 'check that your build-account credentials may call sns:ListSubscriptionsByTopic on the topic');
      continue;
    }
    for (const declared of world.subscriptions.filter((s) => s.topicLogicalId === topicId)) {
      const found = listed.filter((s) => s.Protocol === declared.protocol && s.Endpoint === declared.endpoint);
      const confirmed = found.some((s) => typeof s.SubscriptionArn === 'string' && s.SubscriptionArn.startsWith('arn:'));
      if (confirmed) out.passed(`${declared.protocol} ${declared.endpoint} on ${topicArn}: confirmed`);
      else if (found.length === 0) out.finding('notifications', `${declared.protocol} ${declared.endpoint}`, `is not subscribed to ${topicArn}`, 'deploy the pipeline stack again (it declares the subscription)');
      else out.finding('notifications', `${declared.protocol} ${declared.endpoint}`, `has not confirmed its subscription to ${topicArn} (${found[0].SubscriptionArn ?? 'no ARN'}): SNS sends it nothing until then`,
        `open the "AWS Notification - Subscription Confirmation" email at ${declared.endpoint} and follow its link; if it is lost: aws sns subscribe --topic-arn ${topicArn} --protocol ${declared.protocol} --notification-endpoint ${declared.endpoint}`);
    }
  }
}

function listSubscriptions(build: AccountClients, topicArn: string): Promise<Subscription[]> {
  return allPages(async (NextToken) => {
    const page = await build.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    return { items: page.Subscriptions, nextToken: page.NextToken };
  });
}

/**
 * The artifact bucket exists and belongs to the build account (ExpectedBucketOwner: S3 answers
 * 403 when another account owns the bucket, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html);
 * the artifact key's alias names an Enabled key (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html:
 * KeyId may be an alias ARN; KeyMetadata.KeyState). Returns the key's id, for the permission checks.
 */
export async function checkArtifactStore(world: World, build: AccountClients, out: LiveFindings): Promise<string | undefined> {
  const bucket = world.naming.artifactBucketName(world.buildAccount);
  try {
    await build.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: world.buildAccount }));
    out.passed(`artifact bucket ${bucket}: in place, owned by ${world.buildAccount}`);
  } catch (err) {
    out.finding('artifact store', bucket, `the bucket is not in place in the build account: ${errorText(err)}`, 'deploy the artifact store stack (first-deployment checklist, step 4)');
  }
  const alias = world.naming.artifactKeyAliasArn(world.buildAccount);
  try {
    const { KeyMetadata } = await build.kms.send(new DescribeKeyCommand({ KeyId: alias }));
    if (KeyMetadata?.KeyState === 'Enabled' && KeyMetadata.KeyId) {
      out.passed(`artifact key ${alias}: Enabled (${KeyMetadata.KeyId})`);
      return KeyMetadata.KeyId;
    }
    out.finding('artifact store', alias, `the key is ${KeyMetadata?.KeyState ?? 'in no state'}, not Enabled: nothing can be encrypted or decrypted with it`, 'enable the key (aws kms enable-key), or cancel its deletion (aws kms cancel-key-deletion)');
  } catch (err) {
    out.finding('artifact store', alias, `the key could not be described: ${errorText(err)}`, 'deploy the artifact store stack (first-deployment checklist, step 4)');
  }
  return undefined;
}

/**
 * Every code asset of the target accounts' stacks given is in the artifact bucket: the first
 * deployment of a stack whose code object is missing fails. HeadObject answers 404 for a missing
 * key when the caller may list the bucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html);
 * any other answer is a finding too.
 */
export async function checkCodeAssets(world: World, build: AccountClients, out: LiveFindings): Promise<void> {
  const bucket = world.naming.artifactBucketName(world.buildAccount);
  for (const stacks of world.targets.values()) {
    for (const s of stacks.filter((x) => x.stack.assetManifests.length > 0)) {
      let keys: string[];
      try {
        keys = planAssetUploads(s.assemblyDir, [s.stack.stackName], { bucketName: bucket }).planned.map((p) => p.objectKey);
      } catch (err) {
        out.finding('code assets', s.stack.stackName, `its assets cannot be published to ${bucket}: ${errorText(err)}`, 'fix what the message names, synthesize again, and publish with crosswalk publish-assets');
        continue;
      }
      for (const key of keys) {
        try {
          await build.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: world.buildAccount }));
          out.passed(`code asset s3://${bucket}/${key} (${s.stack.stackName}): published`);
        } catch (err) {
          const missing = err instanceof Error && (err.name === 'NotFound' || err.name === 'NoSuchKey');
          out.finding('code assets', `s3://${bucket}/${key}`, missing ? `the code of stack ${s.stack.stackName} is not published` : `could not be read: ${errorText(err)}`,
            `npx crosswalk publish-assets ${s.assemblyDir} --stack ${s.stack.stackName} --bucket ${bucket}`);
        }
      }
    }
  }
}
