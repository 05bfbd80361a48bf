import { App, Stack } from 'aws-cdk-lib';

// Placeholder until the app's stacks land: an empty stack so that synth has something to do.
const app = new App();
new Stack(app, 'Placeholder');
app.synth();
