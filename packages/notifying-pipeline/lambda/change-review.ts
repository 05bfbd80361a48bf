// Entry point of the change review function; written in the next commits.
export {};
