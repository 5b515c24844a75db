/** A host built-in implementation: JSON values in (sets as sorted arrays), a JSON value or undefined out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HostImplementation = (...args: any[]) => unknown;
