import type { ErrorParams, PacedAction } from '../errors';
import type { Shown } from './messages.fields';

/**
 * The words of the refusals that pace and limit (RateLimited, TooManyAttempts, SlowMode), in
 * traditional and simplified Chinese (never converted by machine): messages.errors.ts uses them.
 */

/** The limits a RateLimited or TooManyAttempts refusal names by action. */
export type LimitAction = Extract<ErrorParams['RateLimited'], { action: unknown }>['action'];

/** How long until a paced action may be tried again, in words: seconds under two minutes, then minutes, then hours. */
export function waitWords(seconds: number, units: { second: string; minute: string; hour: string }): string {
  if (seconds < 120) return `${seconds} ${units.second}`;
  if (seconds < 2 * 3600) return `${Math.ceil(seconds / 60)} ${units.minute}`;
  return `${Math.ceil(seconds / 3600)} ${units.hour}`;
}

/** A login limit's window in words ("30 秒", "5 分鐘"), for the name slowed down (LIMITS_LOGIN_NAME_SLOW). */
export function windowWords(seconds: number, units: { second: string; minute: string; hour: string }): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} ${units.hour}`;
  if (seconds % 60 === 0 && seconds >= 120) return `${seconds / 60} ${units.minute}`;
  return `${seconds} ${units.second}`;
}

const hantPaced: Record<PacedAction, string> = {
  thread: '發帖',
  reply: '跟帖',
  edit: '修改帖子',
  report: '舉報',
  message: '發悄悄話',
  upload: '上傳圖片',
};
const hansPaced: Record<PacedAction, string> = {
  thread: '发帖',
  reply: '跟帖',
  edit: '修改帖子',
  report: '举报',
  message: '发悄悄话',
  upload: '上传图片',
};

/** RateLimited: a paced action's wait, or a limit's words. */
export const hantRateLimited = (p: Shown<ErrorParams['RateLimited']>) =>
  'paced' in p
    ? `${hantPaced[p.paced]}太快了，請在 ${waitWords(p.wait, { second: '秒', minute: '分鐘', hour: '小時' })}後再試。`
    : hantLimits[p.action];
export const hansRateLimited = (p: Shown<ErrorParams['RateLimited']>) =>
  'paced' in p
    ? `${hansPaced[p.paced]}太快了，请在 ${waitWords(p.wait, { second: '秒', minute: '分钟', hour: '小时' })}后再试。`
    : hansLimits[p.action];

/** Each limit's refusal, by action (traditional). */
export const hantLimits: Record<LimitAction, string> = {
  'socket:message': '這個連接發送的消息太多，請稍候。',
  'login:name-address': '這個用戶名從您的地址登錄失敗的次數太多，請稍後再試。',
  'login:address': '從您的地址登錄失敗的次數太多，請稍後再試。',
  'login:name': '這個用戶名登錄失敗的次數太多，請稍後再試。',
  'login:name-slow': '這個用戶名登錄失敗的次數太多：從新的地址每 30 秒只能試一次，請稍後再試。',
  'register:address': '從您的地址註冊的賬號太多，請稍後再試。',
  'password:member': '當前密碼輸錯的次數太多，請稍後再試。',
  'password-reset:address': '從您的地址申請重設密碼的次數太多，請稍後再試。',
  'password-reset:login': '這個用戶名或郵箱申請重設密碼的次數太多，請稍後再試。',
  'email:verify': '驗證郵件發得太多了，請稍後再試。',
  'conversation:member': '今天您和太多新的用戶開始了悄悄話，請明天再試。',
  'export:member': '下載資料的次數太多，請稍後再試。',
  'relation:member': '這一小時內您關注或忽略的人太多了，請稍後再試。',
  'search:address': '從您的地址搜尋得太頻繁了，請稍後再試。',
  'preview:member': '預覽得太頻繁了，請稍後再試。',
};

/** Each limit's refusal, by action (simplified). */
export const hansLimits: Record<LimitAction, string> = {
  'socket:message': '这个连接发送的消息太多，请稍候。',
  'login:name-address': '这个用户名从您的地址登录失败的次数太多，请稍后再试。',
  'login:address': '从您的地址登录失败的次数太多，请稍后再试。',
  'login:name': '这个用户名登录失败的次数太多，请稍后再试。',
  'login:name-slow': '这个用户名登录失败的次数太多：从新的地址每 30 秒只能试一次，请稍后再试。',
  'register:address': '从您的地址注册的账号太多，请稍后再试。',
  'password:member': '当前密码输错的次数太多，请稍后再试。',
  'password-reset:address': '从您的地址申请重设密码的次数太多，请稍后再试。',
  'password-reset:login': '这个用户名或邮箱申请重设密码的次数太多，请稍后再试。',
  'email:verify': '验证邮件发得太多了，请稍后再试。',
  'conversation:member': '今天您和太多新的用户开始了悄悄话，请明天再试。',
  'export:member': '下载资料的次数太多，请稍后再试。',
  'relation:member': '这一小时内您关注或忽略的人太多了，请稍后再试。',
  'search:address': '从您的地址搜索得太频繁了，请稍后再试。',
  'preview:member': '预览得太频繁了，请稍后再试。',
};
