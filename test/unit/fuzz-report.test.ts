import { generatedCases } from '../../scripts/fuzz/report';

describe("the fuzz run's one-line summary", () => {
  it("takes Schemathesis's own case count from its report", () => {
    const report = [
      'Test cases:',
      '  4999 generated, 4990 passed, 9 failed',
      '',
      'Seed: 20',
      '== 2 warnings in 60.03s ==',
    ];
    expect(generatedCases(report.join('\n'))).toBe('4999 generated, 4990 passed, 9 failed');
  });

  it('says nothing when the report has no count (Schemathesis died before its summary)', () => {
    expect(generatedCases('Traceback (most recent call last):\n  KeyError: 1\n')).toBeUndefined();
  });
});
