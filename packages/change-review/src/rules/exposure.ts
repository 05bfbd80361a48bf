import { Json } from '../model/change-set';
import { asBool, changedProperties, ref, Subject, valueOf } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { Rule } from './rule';

/**
 * A source that stands for a large part of the internet: any IPv4 range of /8 or wider but
 * 10.0.0.0/8 (RFC 1918), any IPv6 range of /16 or wider (several such halves add up to all).
 */
export function isBroadSource(cidr: string): boolean {
  const v4 = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}\/(\d{1,2})$/.exec(cidr.trim());
  if (v4) return Number(v4[2]) <= 8 && !(v4[1] === '10' && Number(v4[2]) === 8);
  const v6 = /^[0-9a-f:]+\/(\d{1,3})$/i.exec(cidr.trim());
  return v6 !== null && Number(v6[1]) <= 16;
}

function openRules(v: Json | undefined): string[] {
  const list = Array.isArray(v) ? v : v !== undefined && v !== null ? [v] : [];
  return list.flatMap((rule) => {
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return [];
    const cidr = [rule.CidrIp, rule.CidrIpv6].find((c) => typeof c === 'string' && isBroadSource(c));
    if (cidr === undefined) return [];
    const ports = rule.FromPort === undefined && rule.ToPort === undefined ? 'every port' : `ports ${JSON.stringify(rule.FromPort ?? '?')}-${JSON.stringify(rule.ToPort ?? '?')}`;
    return [`${String(rule.IpProtocol ?? 'any protocol')} ${ports} from ${String(cidr)}`];
  });
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** What a change opens to the internet or to anyone, by type. */
function findings(s: Subject): string[] {
  const c = s.change;
  const a = (p: string) => valueOf(c, p, 'after');
  const b = (p: string) => valueOf(c, p, 'before');
  const changed = c.action === 'Add' ? new Set(c.after.state === 'ok' ? Object.keys(c.after.properties) : []) : changedProperties(c);
  const out: string[] = [];
  switch (c.type) {
    case 'AWS::EC2::SecurityGroupIngress': {
      if (c.action === 'Remove') break;
      const open = openRules(c.after.state === 'ok' ? c.after.properties : undefined);
      if (open.length > 0) out.push(`it opens ${open.join(', ')} (anyone on the internet)`);
      else if (c.after.state !== 'ok') out.push('an ingress rule changes and its source is not in the change set');
      break;
    }
    case 'AWS::EC2::SecurityGroup': {
      if (!changed.has('SecurityGroupIngress')) break;
      const before = new Set(openRules(b('SecurityGroupIngress')));
      const open = openRules(a('SecurityGroupIngress')).filter((r) => !before.has(r));
      if (open.length > 0) out.push(`it opens ${open.join(', ')} (anyone on the internet)`);
      else if (c.after.state !== 'ok') out.push('its ingress rules change and their sources are not in the change set');
      break;
    }
    case 'AWS::S3::Bucket': {
      if (changed.has('PublicAccessBlockConfiguration')) {
        const pab = a('PublicAccessBlockConfiguration');
        const keys = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
        const off = pab === undefined || pab === null || typeof pab !== 'object' || Array.isArray(pab) ? keys : keys.filter((k) => asBool(pab[k]) !== true);
        if (off.length > 0) out.push(`S3 Block Public Access is off for ${off.join(', ')}: a bucket policy or ACL may make it public`);
      }
      const acl = str(a('AccessControl'));
      if (changed.has('AccessControl') && acl !== undefined && /^Public|AuthenticatedRead/.test(acl)) out.push(`its ACL becomes ${acl}`);
      if (changed.has('WebsiteConfiguration') && c.action !== 'Remove') out.push('it serves a static website');
      break;
    }
    case 'AWS::EC2::NetworkAclEntry': {
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-networkaclentry.html
      const cidr = str(a('CidrBlock')) ?? str(a('Ipv6CidrBlock'));
      if (c.action !== 'Remove' && str(a('RuleAction')) === 'allow' && asBool(a('Egress')) !== true && cidr !== undefined && isBroadSource(cidr)) out.push(`its network ACL allows inbound traffic from ${cidr}`);
      break;
    }
    case 'AWS::Lambda::Url':
      if (c.action !== 'Remove' && (changed.has('AuthType') || c.action === 'Add') && str(a('AuthType')) !== 'AWS_IAM') out.push('its function URL takes requests with AuthType NONE (no IAM authentication: anyone with the URL can call it)');
      break;
    case 'AWS::Lambda::Permission':
      if (c.action !== 'Remove' && str(a('FunctionUrlAuthType')) === 'NONE') out.push('it lets anyone call the function URL (FunctionUrlAuthType NONE)');
      if (c.action !== 'Remove' && str(a('Principal')) === '*') out.push('it lets any principal invoke the function (Principal *)');
      break;
    case 'AWS::ApiGateway::Method':
    case 'AWS::ApiGatewayV2::Route':
      if (c.action !== 'Remove' && (changed.has('AuthorizationType') || c.action === 'Add')) {
        const t = str(a('AuthorizationType'));
        if (t === undefined || t === 'NONE') out.push('the API route takes requests with no authorization (AuthorizationType NONE)');
      }
      break;
    case 'AWS::RDS::DBInstance':
    case 'AWS::RDS::DBCluster':
    case 'AWS::Redshift::Cluster':
      if (asBool(a('PubliclyAccessible')) === true && asBool(b('PubliclyAccessible')) !== true) out.push('it becomes publicly accessible');
      break;
    case 'AWS::EC2::Subnet':
      if (asBool(a('MapPublicIpOnLaunch')) === true && asBool(b('MapPublicIpOnLaunch')) !== true) out.push('instances launched in it get public IP addresses');
      break;
    default:
      break;
  }
  return out;
}

/**
 * Network or public exposure: open ingress, public buckets, unauthenticated function URLs and
 * API routes, public databases.
 */
export const exposureRule: Rule = {
  id: 'exposure',
  category: 'exposure',
  summary: 'Something becomes reachable by anyone: ingress from 0.0.0.0/0 or ::/0, S3 Block Public Access off or a public ACL, a function URL or API route without authorization, a publicly accessible database.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroupingress.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-method.html',
  ],
  check: (s: Subject): Msg[] => findings(s).map((why) => msg`${ref(s)}${words(': ')}${why}`),
};
