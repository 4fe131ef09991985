/** Schemathesis's own count of its cases ("4999 generated, 4999 passed"), for the one line a passing run prints. */
export function generatedCases(report: string): string | undefined {
  return /^\s*(\d+ generated(?:, \d+ \w+)*)\s*$/m.exec(report)?.[1];
}
