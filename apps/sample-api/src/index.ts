// The service's stack, for apps that compose it (its config comes from @crosswalk/build-account).
export * from './stacks';
