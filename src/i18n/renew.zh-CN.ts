import type { renewEn } from './renew.en.js'

/** `ukey renew` 的中文消息（并入 zh-CN.ts）。 */
export const renewZhCN: Record<keyof typeof renewEn, string> = {
}
