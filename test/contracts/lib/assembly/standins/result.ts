// Stand-in for contracts/lib/result.ts (see README.md).
let failureText: string | null = null;

export function fail(message: string): void {
  if (failureText === null) failureText = message;
}

export function failed(): bool {
  return failureText !== null;
}

export function failure(): string {
  const text = failureText;
  return text === null ? '' : text;
}

export function resetFailure(): void {
  failureText = null;
}
