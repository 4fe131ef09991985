/** A LIKE/ILIKE pattern that matches text containing `term` literally: its own `%`, `_` and `\` match only themselves. */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
