// Entry point of the failure notifier function; written in the next commits.
export {};
