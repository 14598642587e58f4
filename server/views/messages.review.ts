import type { BoardReview, HeldDecision, HeldReason } from '../db/database';

/**
 * The words of the review queue (the catalogs' `review`): a held post as its author sees it
 * (等待審核), the moderators' queue and its buttons, and the board's review setting. Written
 * natively in both scripts; `hansReview` is typed by `hantReview`.
 */
export const hantReview = {
  /** The mark on a held post, where its author sees it. */
  awaiting: '等待審核',
  /** After posting a follow-up or thread that is held. */
  heldNotice: '您的帖子正在等待版主審核：通過之前只有您自己看得到，通過後會出現在原來的位置。',
  /** The author's held posts this page has no place for (their parent is in another window). */
  yourHeld: '您在本主題中等待審核的跟帖',
  yourHeldThreads: '您在本版等待審核的主題',
  /** The moderators' header link to their queues. */
  headerLink: '待審核',
  queue: '審核隊列',
  queueOf: (board: string) => `「${board}」版審核隊列`,
  allQueues: '審核隊列（我管理的所有版面）',
  empty: '沒有等待審核的帖子。',
  approve: '通過',
  reject: '拒絕',
  rejectReason: '拒絕理由（會告訴作者）',
  replyTo: (author: string) => `回覆 ${author} 的帖子：`,
  newThread: '新主題',
  inThread: '主題：',
  deletedParent: '（已刪除的帖子）',
  links: '帖子中的鏈接：',
  noBody: '（只有標題）',
  /** Why it waits. */
  reasons: { new: '新用戶發帖', links: '新用戶的帖子含外站鏈接' } satisfies Record<HeldReason, string>,
  status: { waiting: '等待審核', approved: '已通過', rejected: '未通過' } satisfies Record<HeldDecision | 'waiting', string>,
  decided: (status: string, by: string, time: string) => `${status}（${by}，${time}）`,
  reasonWas: '理由：',
  viewPost: '查看帖子',
  heldPage: '等待審核的帖子',
  /** The board's setting, in its tools. */
  setting: '發帖審核',
  settings: {
    off: '不審核',
    new: '新用戶的帖子都要審核',
    links: '新用戶含外站鏈接的帖子要審核',
  } satisfies Record<BoardReview, string>,
  save: '保存',
};

export const hansReview: typeof hantReview = {
  awaiting: '等待审核',
  heldNotice: '您的帖子正在等待版主审核：通过之前只有您自己看得到，通过后会出现在原来的位置。',
  yourHeld: '您在本主题中等待审核的跟帖',
  yourHeldThreads: '您在本版等待审核的主题',
  headerLink: '待审核',
  queue: '审核队列',
  queueOf: (board) => `“${board}”版审核队列`,
  allQueues: '审核队列（我管理的所有版面）',
  empty: '没有等待审核的帖子。',
  approve: '通过',
  reject: '拒绝',
  rejectReason: '拒绝理由（会告诉作者）',
  replyTo: (author) => `回复 ${author} 的帖子：`,
  newThread: '新主题',
  inThread: '主题：',
  deletedParent: '（已删除的帖子）',
  links: '帖子中的链接：',
  noBody: '（只有标题）',
  reasons: { new: '新用户发帖', links: '新用户的帖子含外站链接' },
  status: { waiting: '等待审核', approved: '已通过', rejected: '未通过' },
  decided: (status, by, time) => `${status}（${by}，${time}）`,
  reasonWas: '理由：',
  viewPost: '查看帖子',
  heldPage: '等待审核的帖子',
  setting: '发帖审核',
  settings: {
    off: '不审核',
    new: '新用户的帖子都要审核',
    links: '新用户含外站链接的帖子要审核',
  },
  save: '保存',
};
