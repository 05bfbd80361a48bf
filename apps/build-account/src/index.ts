// The one validated config of a Crosswalk installation, read by this app and by apps/sample-api.
export * from './config';
