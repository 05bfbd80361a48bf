export * from '../../../../test-support/local-server';
