/**
 * The words of the admin console (/admin): its audit log so far, written natively in traditional
 * and simplified Chinese (never converted by machine).
 */
export const hantAdmin = {
  console: '站務管理',
  audit: '管理日誌',
  auditHint: '管理員對站點的每一次改動（版面、用戶、設置、邀請、網絡位址封禁），含改動前後的內容。',
  auditEmpty: '還沒有管理操作。',
  when: '時間',
  actor: '管理員',
  action: '操作',
  subject: '對象',
  before: '改動前',
  after: '改動後',
  /** A link under the last line of a page: the lines before it. */
  older: '更早的記錄',
  /** Shown for a missing side (nothing before a creation, nothing after a deletion). */
  nothing: '（無）',
};

export const hansAdmin: typeof hantAdmin = {
  console: '站务管理',
  audit: '管理日志',
  auditHint: '管理员对站点的每一次改动（版面、用户、设置、邀请、网络地址封禁），含改动前后的内容。',
  auditEmpty: '还没有管理操作。',
  when: '时间',
  actor: '管理员',
  action: '操作',
  subject: '对象',
  before: '改动前',
  after: '改动后',
  older: '更早的记录',
  nothing: '（无）',
};
