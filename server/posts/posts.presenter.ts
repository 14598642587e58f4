import type { Post } from './posts.model';

/**
 * A post in the JSON contract. `format` and `source` (what its author wrote) only where the
 * service gave them (`written`): to the author and the moderators, who may edit it.
 */
export function presentPost(p: Post) {
  return {
    id: p.id,
    threadId: p.threadId,
    parentId: p.parentId,
    depth: p.depth,
    title: p.title,
    body: p.body,
    bytes: p.bytes,
    author: p.author,
    createdAt: p.createdAt.toISOString(),
    editedAt: p.editedAt?.toISOString() ?? null,
    editedBy: p.editedBy,
    deleted: p.deleted,
    replyCount: p.replyCount,
    ...(p.written ? { format: p.written.format, source: p.written.source } : {}),
  };
}
