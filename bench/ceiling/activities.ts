/** The ceiling's activities: they do nothing, so what the ceiling measures is Temporal and the SDK alone. */
export const ceilingActivities = {
  async noop(_payload: Record<string, unknown>): Promise<void> {},
};

export type CeilingActivities = typeof ceilingActivities;
