import { asNumber, Subject, valueOf } from '../model/facts';
import { inPlaceModify, onlyChanges } from './common';
import { LowShape } from './shape';

export const logRetentionGrows: LowShape = {
  id: 'log-retention-grows',
  title: 'AWS::Logs::LogGroup: only RetentionInDays changes, and it grows (or is removed: never expire)',
  why: 'Log events are kept longer; nothing is deleted sooner.',
  cite: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html'],
  matches: (s: Subject) => {
    if (s.change.type !== 'AWS::Logs::LogGroup' || !inPlaceModify(s.change) || !onlyChanges(s, ['RetentionInDays'])) return false;
    if (s.change.before.state !== 'ok' || s.change.after.state !== 'ok') return false;
    const old = asNumber(valueOf(s.change, 'RetentionInDays', 'before'));
    const rawNext = valueOf(s.change, 'RetentionInDays', 'after');
    if (old === undefined) return false; // it never expired before: any value now is shorter
    if (rawNext === undefined) return true; // removed: never expire
    const next = asNumber(rawNext);
    return next !== undefined && next > old;
  },
};
