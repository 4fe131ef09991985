import type { MigrationInterface } from 'typeorm';
import { IssueAttachmentEntity } from '../issue-attachment.entity';
import { IssueCommentEntity } from '../issue-comment.entity';
import { IssueEntity } from '../issue.entity';
import { Issues1764700000000 } from '../migrations/1764700000000-issues';
import { OneTimeSecretEntity } from '../one-time-secret.entity';

/**
 * Issue 17's entities and migration: the Issues board (owned by data/issues.ts) and one-time secrets (owned by
 * data/one-time-secrets.ts).
 */
export const ISSUES_ENTITIES: Array<new () => unknown> = [
  IssueEntity,
  IssueCommentEntity,
  IssueAttachmentEntity,
  OneTimeSecretEntity,
];
export const ISSUES_MIGRATIONS: Array<new () => MigrationInterface> = [Issues1764700000000];
