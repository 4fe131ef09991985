/**
 * Our ids are UUIDs, and ids also arrive from URLs and gateways: anything else is an unknown id, answered as
 * "not found" before PostgreSQL rejects it as a malformed uuid.
 */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`, 'i');
export const isUuid = (value: string): boolean => UUID.test(value);
